// Greetings per day, kept by the durable subscriber to `hello.greeted`. A second migration, because
// one that has run is never edited: the schema moves forward by adding files.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('hello_daily_counts', (t) => {
    t.date('day').primary();
    t.integer('greetings').notNullable();
  });
  // Greetings stored before this migration are counted once, here.
  await knex.raw(`insert into hello_daily_counts (day, greetings)
    select created_at::date, count(*)::int from hello_greetings group by 1`);
}
