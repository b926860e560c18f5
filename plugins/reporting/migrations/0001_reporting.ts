// The reporting schema: a summary of every enrollment's standing and of every course, kept current from
// the courses plugin's events by durable subscribers (sync.ts) and rebuildable from its directory
// (rebuild.ts); cohort memberships from the auth plugin's events; and one row per activity (a login, an
// enrollment, a completion, a content view) for the activity report. Reports are SQL over these tables.
//
// Each summary row is the state the courses plugin reports for that enrollment when it was last synced,
// so a delivery that arrives twice or late writes the same row again: the summary converges.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reporting_courses', (t) => {
    t.bigInteger('course_id').primary();
    t.text('title').notNullable();
    t.text('code').notNullable();
    t.text('status').notNullable();
    t.integer('required_items').notNullable();
    t.integer('recertify_after_days');
    t.timestamp('synced_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('reporting_enrollments', (t) => {
    t.bigInteger('course_id').notNullable();
    t.bigInteger('user_id').notNullable();
    t.text('role').notNullable();
    t.text('status').notNullable();
    t.integer('cycle').notNullable();
    t.timestamp('enrolled_at', { useTz: true }).notNullable();
    t.timestamp('due_at', { useTz: true });
    t.integer('required_done').notNullable();
    t.timestamp('completed_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('synced_at', { useTz: true }).notNullable();
    t.primary(['course_id', 'user_id']);
    t.index(['user_id']);
  });
  // A course's learners, the completion report's rows and summary.
  await knex.raw(`create index reporting_enrollments_learners on reporting_enrollments (course_id, user_id) where role = 'learner' and status = 'active'`);
  // Compliance: open due dates and expiries across courses.
  await knex.raw(`create index reporting_enrollments_due on reporting_enrollments (due_at) where role = 'learner' and status = 'active' and completed_at is null`);
  await knex.raw(`create index reporting_enrollments_expiry on reporting_enrollments (expires_at) where role = 'learner' and status = 'active' and expires_at is not null`);

  await knex.schema.createTable('reporting_cohort_members', (t) => {
    t.bigInteger('cohort_id').notNullable();
    t.bigInteger('user_id').notNullable();
    t.primary(['cohort_id', 'user_id']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('reporting_activity', (t) => {
    t.bigIncrements('id');
    t.text('kind').notNullable();
    // What makes the activity itself unique (e.g. user and time of a login), so a repeated delivery counts once.
    t.text('key').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    // Whose activity it was; erasure clears it (and the key) and keeps the count.
    t.bigInteger('user_id');
    t.check(`kind in ('login', 'enrollment', 'completion', 'view')`);
    t.unique(['kind', 'key']);
    t.index(['kind', 'at']);
    t.index(['user_id']);
  });

  // Scheduled reports: a report with its parameters, a cron schedule and recipients; each run kept. A run
  // is unique per schedule and tick, so two workers never deliver the same tick twice.
  await knex.schema.createTable('reporting_schedules', (t) => {
    t.bigIncrements('id');
    t.text('report').notNullable();
    t.jsonb('params').notNullable();
    t.text('cron').notNullable();
    t.jsonb('recipients').notNullable();
    t.bigInteger('created_by').notNullable();
    t.boolean('paused').notNullable().defaultTo(false);
    t.timestamp('next_run_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.check(`report in ('course-completion', 'compliance', 'activity')`);
  });
  await knex.raw('create index reporting_schedules_due on reporting_schedules (next_run_at) where not paused');

  await knex.schema.createTable('reporting_runs', (t) => {
    t.bigIncrements('id');
    t.bigInteger('schedule_id').notNullable().references('reporting_schedules.id').onDelete('CASCADE');
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.text('state').notNullable().defaultTo('queued');
    t.integer('rows');
    t.text('error');
    t.timestamp('finished_at', { useTz: true });
    t.check(`state in ('queued', 'sent', 'failed')`);
    t.unique(['schedule_id', 'due_at']);
  });
}
