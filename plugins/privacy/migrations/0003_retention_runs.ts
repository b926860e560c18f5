// The last run of the retention job, for the retention page: when, and how many records of each kind went.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('privacy_retention_runs', (t) => {
    t.integer('id').primary();
    t.timestamp('ran_at', { useTz: true }).notNullable();
    t.jsonb('counts').notNullable();
  });
}
