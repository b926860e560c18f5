// Accounts, their credentials (sessions, API tokens, one-time links), login throttles, cohorts and
// staged CSV imports.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('auth_users', (t) => {
    t.bigIncrements('id');
    t.text('email').notNullable();
    t.text('name').notNullable();
    t.text('status').notNullable().defaultTo('active');
    t.text('password_hash');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_login_at', { useTz: true });
    t.timestamp('deactivated_at', { useTz: true });
    t.check(`status in ('active', 'deactivated')`);
  });
  await knex.raw('create unique index auth_users_email_unique on auth_users (lower(email))');
  await knex.raw('create index auth_users_name on auth_users (lower(name))');

  await knex.schema.createTable('auth_sessions', (t) => {
    t.bigIncrements('id');
    t.text('token_hash').notNullable().unique();
    t.bigInteger('user_id').notNullable().references('auth_users.id').onDelete('CASCADE').index();
    t.text('csrf_token').notNullable();
    t.text('ip');
    t.text('user_agent');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('auth_tokens', (t) => {
    t.bigIncrements('id');
    t.text('token_hash').notNullable().unique();
    t.bigInteger('user_id').notNullable().references('auth_users.id').onDelete('CASCADE').index();
    t.text('name').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('last_used_at', { useTz: true });
  });

  await knex.schema.createTable('auth_links', (t) => {
    t.text('token_hash').primary();
    t.bigInteger('user_id').notNullable().references('auth_users.id').onDelete('CASCADE').index();
    t.text('purpose').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.check(`purpose in ('reset', 'invitation')`);
  });

  await knex.schema.createTable('auth_throttles', (t) => {
    t.text('key').primary();
    t.integer('failures').notNullable().defaultTo(0);
    t.timestamp('window_started_at', { useTz: true }).notNullable();
    t.timestamp('blocked_until', { useTz: true });
  });

  await knex.schema.createTable('auth_cohorts', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('create unique index auth_cohorts_name_unique on auth_cohorts (lower(name))');
  await knex.schema.createTable('auth_cohort_members', (t) => {
    t.bigInteger('cohort_id').notNullable().references('auth_cohorts.id').onDelete('CASCADE');
    t.bigInteger('user_id').notNullable().references('auth_users.id').onDelete('CASCADE').index();
    t.timestamp('added_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['cohort_id', 'user_id']);
  });

  await knex.schema.createTable('auth_imports', (t) => {
    t.bigIncrements('id');
    t.text('created_by');
    t.integer('total_lines').notNullable().defaultTo(0);
    t.integer('done_through_line').notNullable().defaultTo(0);
    t.integer('created').notNullable().defaultTo(0);
    t.integer('updated').notNullable().defaultTo(0);
    t.jsonb('failed').notNullable().defaultTo('[]');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
  });
  await knex.schema.createTable('auth_import_rows', (t) => {
    t.bigInteger('import_id').notNullable().references('auth_imports.id').onDelete('CASCADE');
    t.integer('line').notNullable();
    t.text('email').notNullable();
    t.text('name').notNullable();
    t.text('roles');
    t.text('cohort');
    t.primary(['import_id', 'line']);
  });
}
