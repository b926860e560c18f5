// Planned maintenance windows: maintenance mode switches itself on at a window's start and off at its
// end. Each edge a window passes is recorded once (a row per window and edge), with its audit record,
// however many workers run the per-minute job that notices it.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('maintenance_windows', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.timestamp('ends_at', { useTz: true }).notNullable();
    t.text('message');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check('ends_at > starts_at');
    t.index(['ends_at']);
    t.index(['starts_at']);
  });
  await knex.schema.createTable('maintenance_window_edges', (t) => {
    t.bigInteger('window_id').notNullable().references('id').inTable('maintenance_windows').onDelete('CASCADE');
    t.text('edge').notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['window_id', 'edge']);
    t.check("edge in ('start', 'end')");
  });
}
