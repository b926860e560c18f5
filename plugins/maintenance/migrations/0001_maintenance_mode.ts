// Maintenance mode: one row, switched by an administrator (PUT /api/v1/system/maintenance), read by every
// instance (cached until the change notice).
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('maintenance_mode', (t) => {
    t.integer('id').primary();
    t.boolean('enabled').notNullable().defaultTo(false);
    t.text('message');
    t.timestamp('until', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check('id = 1');
  });
  await knex('maintenance_mode').insert({ id: 1, enabled: false });
}
