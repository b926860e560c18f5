// The courses schema: categories (nested), courses, their sections and ordered items, enrollments,
// item progress and course completions per cycle, cohort links, and staged CSV imports.
//
// States the reporting plugin can read, all at a given time `now`:
//   enrolled      courses_enrollments.status = 'active' (role 'learner' for learners; 'unenrolled' rows are kept as history)
//   progress      courses_enrollments.required_done of courses_courses.required_items (and items_done, any item) in
//                 the current cycle — counters kept in step with courses_progress and the course's items
//   completed     the current cycle's courses_enrollments.completed_at is set
//   overdue       status = 'active', role = 'learner', completed_at is null and due_at < now
//   expired       courses_enrollments.last_expires_at <= now (the expiry of the latest completion); per completion, a
//                 courses_completions row with expires_at <= now, which the daily job stamps expired_at when it notices
//                 (and emits courses.completionExpired). A completion with expires_at null never expires.
// Recertification: each completion is a courses_completions row (one per enrollment and cycle) and is never
// changed afterwards but for expired_at. Re-enrolling for recertification raises courses_enrollments.cycle,
// clears completed_at and the progress counters and sets a new due_at; progress is kept per cycle in courses_progress, so every earlier
// cycle stays readable.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('courses_categories', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.bigInteger('parent_id').references('courses_categories.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['parent_id']);
  });
  await knex.raw('create unique index courses_categories_sibling_name on courses_categories (coalesce(parent_id, 0), lower(name))');

  await knex.schema.createTable('courses_courses', (t) => {
    t.bigIncrements('id');
    t.text('code').notNullable();
    t.text('title').notNullable();
    t.text('summary').notNullable().defaultTo('');
    t.bigInteger('category_id').references('courses_categories.id');
    t.text('status').notNullable().defaultTo('draft');
    t.boolean('is_template').notNullable().defaultTo(false);
    t.bigInteger('template_id').references('courses_courses.id').onDelete('SET NULL');
    t.boolean('self_enrollment').notNullable().defaultTo(false);
    t.text('enrollment_key');
    t.integer('recertify_after_days');
    t.integer('required_items').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('published_at', { useTz: true });
    t.timestamp('archived_at', { useTz: true });
    t.check(`status in ('draft', 'published', 'archived')`);
    t.check('recertify_after_days is null or recertify_after_days > 0');
    t.index(['category_id']);
  });
  await knex.raw('create unique index courses_courses_code on courses_courses (lower(code))');
  // The learners' catalog: published, not templates, by title.
  await knex.raw('create index courses_courses_catalog on courses_courses (status, title, id) where not is_template');
  await knex.raw('create index courses_courses_by_title on courses_courses (title, id)');

  await knex.schema.createTable('courses_sections', (t) => {
    t.bigIncrements('id');
    t.bigInteger('course_id').notNullable().references('courses_courses.id').onDelete('CASCADE');
    t.text('title').notNullable();
    t.integer('position').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['course_id', 'position']);
  });

  await knex.schema.createTable('courses_items', (t) => {
    t.bigIncrements('id');
    t.bigInteger('course_id').notNullable().references('courses_courses.id').onDelete('CASCADE');
    t.bigInteger('section_id').notNullable().references('courses_sections.id').onDelete('CASCADE');
    t.text('content_id').notNullable();
    t.text('title').notNullable();
    t.boolean('required').notNullable().defaultTo(true);
    t.integer('position').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['section_id', 'position']);
    t.index(['course_id', 'required']);
  });

  await knex.schema.createTable('courses_enrollments', (t) => {
    t.bigIncrements('id');
    t.bigInteger('course_id').notNullable().references('courses_courses.id').onDelete('CASCADE');
    t.bigInteger('user_id').notNullable();
    t.text('role').notNullable();
    t.text('source').notNullable();
    t.bigInteger('cohort_id');
    t.text('status').notNullable().defaultTo('active');
    t.integer('cycle').notNullable().defaultTo(1);
    t.integer('required_done').notNullable().defaultTo(0);
    t.integer('items_done').notNullable().defaultTo(0);
    t.timestamp('enrolled_at', { useTz: true }).notNullable();
    t.timestamp('due_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.timestamp('last_expires_at', { useTz: true });
    t.timestamp('unenrolled_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['course_id', 'user_id']);
    t.index(['user_id', 'id']);
    t.index(['course_id', 'status', 'id']);
    t.check(`role in ('learner', 'instructor')`);
    t.check(`source in ('manual', 'import', 'cohort', 'self', 'recertification')`);
    t.check(`status in ('active', 'unenrolled')`);
  });

  // The daily recertification job: completed enrollments by expiry.
  await knex.raw(`create index courses_enrollments_expiring on courses_enrollments (last_expires_at) where completed_at is not null and status = 'active'`);

  await knex.schema.createTable('courses_progress', (t) => {
    t.bigInteger('enrollment_id').notNullable().references('courses_enrollments.id').onDelete('CASCADE');
    t.integer('cycle').notNullable();
    t.bigInteger('item_id').notNullable().references('courses_items.id').onDelete('CASCADE');
    t.timestamp('completed_at', { useTz: true }).notNullable();
    t.double('score');
    t.primary(['enrollment_id', 'cycle', 'item_id']);
    t.index(['item_id']);
  });

  await knex.schema.createTable('courses_completions', (t) => {
    t.bigIncrements('id');
    t.bigInteger('enrollment_id').notNullable().references('courses_enrollments.id').onDelete('CASCADE');
    t.bigInteger('course_id').notNullable();
    t.bigInteger('user_id').notNullable();
    t.integer('cycle').notNullable();
    t.timestamp('completed_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('expired_at', { useTz: true });
    t.unique(['enrollment_id', 'cycle']);
    t.index(['user_id']);
    t.index(['course_id']);
  });
  await knex.raw('create index courses_completions_expiring on courses_completions (expires_at) where expired_at is null and expires_at is not null');

  await knex.schema.createTable('courses_cohort_links', (t) => {
    t.bigInteger('course_id').notNullable().references('courses_courses.id').onDelete('CASCADE');
    t.bigInteger('cohort_id').notNullable();
    t.timestamp('due_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['course_id', 'cohort_id']);
    t.index(['cohort_id']);
  });

  await knex.schema.createTable('courses_imports', (t) => {
    t.bigIncrements('id');
    t.bigInteger('course_id').notNullable().references('courses_courses.id').onDelete('CASCADE');
    t.integer('total_rows').notNullable().defaultTo(0);
    t.integer('done_rows').notNullable().defaultTo(0);
    t.integer('done_through_line').notNullable().defaultTo(0);
    t.integer('enrolled').notNullable().defaultTo(0);
    t.integer('updated').notNullable().defaultTo(0);
    t.jsonb('failed').notNullable().defaultTo('[]');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
  });
  await knex.schema.createTable('courses_import_rows', (t) => {
    t.bigInteger('import_id').notNullable().references('courses_imports.id').onDelete('CASCADE');
    t.integer('line').notNullable();
    t.text('email').notNullable();
    t.text('role');
    t.text('due_at');
    t.primary(['import_id', 'line']);
  });
}
