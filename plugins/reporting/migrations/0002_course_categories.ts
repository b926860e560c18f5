// Each course's category in the summary, so the compliance report can cover a category's courses (and
// those of the categories beneath it, whose ids the courses plugin gives when the report is read). The
// subscribers write it with the rest of the course row; rows synced before this migration learn theirs
// when the course next changes or `reporting.rebuild` runs.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reporting_courses', (t) => {
    // Null: the course is in no category.
    t.bigInteger('category_id');
    t.index(['category_id'], 'reporting_courses_category');
  });
}
