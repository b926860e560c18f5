// The password an administrator was given at first start (random, or from LECTERN_ADMIN_PASSWORD), kept as
// its hash so the security report can say whether it was ever changed: while the account's hash is this one, it was not.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('auth_initial_passwords', (t) => {
    t.bigInteger('user_id').primary().references('auth_users.id').onDelete('CASCADE');
    t.text('password_hash').notNullable();
    t.text('source').notNullable();
  });
}
