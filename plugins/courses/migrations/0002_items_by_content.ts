// Items by the content they place: the content plugin asks where a piece of content is used
// (CourseDirectory.placements), which would otherwise read every item.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('courses_items', (t) => {
    t.index(['content_id']);
  });
}
