// The content schema: items, their versions (every edit is one, never changed afterwards but for its
// review record), learning objectives and the links between them, and the views learners make.
//
// An item's `status` is the state of its latest version: `draft` (being edited, or rejected back),
// `in_review` (submitted) or `published` (the latest version is the published one). `published_version`
// is what courses and learners see, whatever the status: editing never changes it until an approval.
// Review cycle: `review_due_at` is set at each approval (and at each "still current" confirmation) to
// now + `review_every_days`; the daily job stamps `review_flagged_at` on items past it.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('content_items', (t) => {
    t.bigIncrements('id');
    t.text('type').notNullable();
    t.text('title').notNullable();
    t.text('status').notNullable().defaultTo('draft');
    t.integer('latest_version').notNullable();
    t.integer('published_version');
    t.text('owner_id');
    t.text('complete_when').notNullable().defaultTo('opened');
    t.integer('watch_percent');
    t.integer('review_every_days');
    t.timestamp('reviewed_at', { useTz: true });
    t.timestamp('review_due_at', { useTz: true });
    t.timestamp('review_flagged_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.check(`type in ('page', 'file', 'video', 'link')`);
    t.check(`status in ('draft', 'in_review', 'published')`);
    t.check(`complete_when in ('opened', 'done')`);
    t.index(['owner_id']);
  });
  await knex.raw('create index content_items_by_title on content_items (title, id)');
  await knex.raw('create index content_items_review_due on content_items (review_due_at) where review_flagged_at is null');

  await knex.schema.createTable('content_versions', (t) => {
    t.bigIncrements('id');
    t.bigInteger('item_id').notNullable().references('content_items.id').onDelete('CASCADE');
    t.integer('number').notNullable();
    t.text('title').notNullable();
    t.text('body');
    t.text('url');
    t.text('file_key');
    t.text('file_name');
    t.bigInteger('file_size');
    t.text('media_type');
    t.text('sha256');
    t.text('note').notNullable().defaultTo('');
    t.text('author_id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.integer('restored_from');
    t.text('submitted_by');
    t.timestamp('submitted_at', { useTz: true });
    t.text('reviewed_by');
    t.timestamp('reviewed_at', { useTz: true });
    t.text('review_outcome');
    t.text('reject_reason');
    t.check(`review_outcome is null or review_outcome in ('approved', 'rejected')`);
    t.unique(['item_id', 'number']);
  });

  await knex.schema.createTable('content_objectives', (t) => {
    t.bigIncrements('id');
    t.text('code').notNullable();
    t.text('title').notNullable();
    t.text('description').notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.raw('create unique index content_objectives_code on content_objectives (lower(code))');

  await knex.schema.createTable('content_item_objectives', (t) => {
    t.bigInteger('item_id').notNullable().references('content_items.id').onDelete('CASCADE');
    t.bigInteger('objective_id').notNullable().references('content_objectives.id').onDelete('CASCADE');
    t.primary(['item_id', 'objective_id']);
    t.index(['objective_id']);
  });

  // One row per person, course item and day they opened it: enough for activity reports, small enough to
  // keep, and written once a day at most, so opening a page again reads and never waits on a row lock.
  await knex.schema.createTable('content_views', (t) => {
    t.bigIncrements('id');
    t.bigInteger('item_id').notNullable().references('content_items.id').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.text('user_id').notNullable();
    t.text('course_id').notNullable();
    t.text('course_item_id').notNullable();
    t.date('day').notNullable();
    t.integer('watched_percent').notNullable().defaultTo(0);
    // Carried over from the learner's previous row: the course cycle in which this plugin last saw the item completed.
    t.integer('completed_cycle');
    t.timestamp('completed_at', { useTz: true });
    t.timestamp('first_at', { useTz: true }).notNullable();
    t.unique(['course_item_id', 'user_id', 'day']);
    t.index(['user_id']);
    t.index(['item_id', 'day']);
  });
}
