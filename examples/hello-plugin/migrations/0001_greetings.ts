// The plugin's one table. Tables are prefixed with the plugin name; migrations only go forward.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('hello_greetings', (t) => {
    t.bigIncrements('id');
    t.text('message').notNullable();
    t.integer('words');
    t.text('created_by');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}
