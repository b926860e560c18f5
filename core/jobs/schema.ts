// Tables of the job drivers: the inline driver's jobs and cron schedules, and BullMQ's outbox. The core's own migration
// calls createJobTables once; the SQL is plain PostgreSQL that both PostgreSQL 15 and PGlite accept.
import type { Knex } from 'knex';

export async function createJobTables(knex: Knex): Promise<void> {
  await knex.schema.createTable('core_jobs', (t) => {
    t.bigIncrements('id').primary();
    t.text('name').notNullable();
    t.text('plugin').notNullable();
    t.jsonb('payload').notNullable();
    // Stored states; 'delayed' is derived: waiting with run_at in the future.
    t.text('state').notNullable().defaultTo('waiting');
    t.integer('progress').notNullable().defaultTo(0);
    t.jsonb('result');
    t.text('error');
    /** Runs started so far; a run whose lease expired counts too. */
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('max_attempts').notNullable();
    t.integer('backoff_ms').notNullable();
    t.text('created_by');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('run_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    /** The lease of the worker running the job: it owns the job while locked_until is in the future. */
    t.timestamp('locked_until', { useTz: true });
    t.text('lock_token');
    t.index(['state', 'run_at'], 'core_jobs_state_run_at_idx');
    t.index(['created_by', 'id'], 'core_jobs_created_by_idx');
  });
  await knex.raw(`ALTER TABLE core_jobs ADD CONSTRAINT core_jobs_state_check
    CHECK (state IN ('waiting', 'active', 'completed', 'failed'))`);

  await knex.schema.createTable('core_job_schedules', (t) => {
    /** The job name, `<plugin>.<job>`: one schedule per job. */
    t.text('name').primary();
    t.text('plugin').notNullable();
    t.text('cron').notNullable();
    t.jsonb('payload').notNullable();
    /** The next tick; claimed by compare-and-set so each tick fires once across processes. */
    t.timestamp('next_run_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

/**
 * The BullMQ driver's transactional outbox: a job enqueued in a transaction is a row here, written with
 * the change, and relayed to Redis after the commit (again after a crash or while Redis is down). The
 * id is the job's BullMQ id, so a relay that runs twice adds the job once.
 */
export async function createOutboxTable(knex: Knex): Promise<void> {
  await knex.schema.createTable('core_job_outbox', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('plugin').notNullable();
    t.jsonb('payload').notNullable();
    t.text('created_by');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('run_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['created_at'], 'core_job_outbox_created_at_idx');
  });
}
