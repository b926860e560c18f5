// The language each person chose for pages (a locale such as "fr"); null follows the system's.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('auth_users', (t) => {
    t.text('locale');
  });
}
