// The core's own tables: plugin state, cross-instance revisions, settings, the audit trail,
// permissions/roles/contexts, and the inline job queue. Migrated first, as plugin "core".
import type { Knex } from 'knex';
import type { Migration } from './migrations';
import { createJobTables, createOutboxTable } from '../jobs/schema';

async function base(knex: Knex): Promise<void> {
  await knex.schema.createTable('core_plugins', (t) => {
    t.text('name').primary();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.text('version').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('core_revisions', (t) => {
    t.text('key').primary();
    t.bigInteger('rev').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('core_settings', (t) => {
    t.text('plugin').primary();
    t.jsonb('value').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('core_audit', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('actor_id');
    t.text('action').notNullable();
    t.text('target_type');
    t.text('target_id');
    t.text('ip');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.index(['action', 'at']);
    t.index(['target_type', 'target_id']);
    t.index(['actor_id', 'at']);
  });
  // Append-only by construction, not by convention.
  await knex.raw(`create function core_audit_append_only() returns trigger language plpgsql as $$
    begin raise exception 'core_audit is append-only'; end $$`);
  await knex.raw(`create trigger core_audit_no_change before update or delete on core_audit
    for each row execute function core_audit_append_only()`);

  await knex.schema.createTable('core_permissions', (t) => {
    t.text('name').primary();
    t.text('plugin').notNullable();
    t.text('context').notNullable();
    t.jsonb('risks').notNullable().defaultTo('[]');
    t.text('description').notNullable().defaultTo('');
  });
  await knex.schema.createTable('core_roles', (t) => {
    t.text('key').primary();
    t.text('name').notNullable();
    t.text('description').notNullable().defaultTo('');
    t.boolean('builtin').notNullable().defaultTo(false);
  });
  await knex.schema.createTable('core_role_permissions', (t) => {
    t.text('role_key').notNullable().references('key').inTable('core_roles').onDelete('CASCADE');
    t.text('permission').notNullable();
    t.primary(['role_key', 'permission']);
  });
  await knex.schema.createTable('core_contexts', (t) => {
    t.bigIncrements('id');
    t.text('type').notNullable();
    t.text('instance_id').notNullable();
    t.bigInteger('parent_id').references('id').inTable('core_contexts');
    t.text('path').notNullable();
    t.unique(['type', 'instance_id']);
  });
  await knex.schema.createTable('core_role_assignments', (t) => {
    t.bigIncrements('id');
    t.text('user_id').notNullable();
    t.text('role_key').notNullable().references('key').inTable('core_roles').onDelete('CASCADE');
    t.bigInteger('context_id').notNullable().references('id').inTable('core_contexts').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['user_id', 'role_key', 'context_id']);
    t.index(['context_id']);
  });
  await knex('core_contexts').insert({ id: 1, type: 'system', instance_id: '', parent_id: null, path: '/1' });
  await knex.raw(`select setval(pg_get_serial_sequence('core_contexts', 'id'), 1)`);
  // The only role the core knows; plugins declare the rest (learner, instructor, …) in their manifests.
  await knex('core_roles').insert({ key: 'admin', name: 'Administrator', description: 'Everything, everywhere.', builtin: true });
}

/** Audit retention: a DELETE passes only inside AuditLog.prune's transaction (`set local lectern.audit_prune`); an UPDATE never. */
async function auditPrune(knex: Knex): Promise<void> {
  await knex.raw(`create or replace function core_audit_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and current_setting('lectern.audit_prune', true) = 'on' then return old; end if;
      raise exception 'core_audit is append-only';
    end $$`);
}

/**
 * Erasure (a privacy request): an UPDATE passes only inside AuditLog.redactPerson's transaction
 * (`set local lectern.audit_redact`), and only to blank a record's details and address.
 */
async function auditRedact(knex: Knex): Promise<void> {
  await knex.raw(`create or replace function core_audit_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and current_setting('lectern.audit_prune', true) = 'on' then return old; end if;
      if tg_op = 'UPDATE' and current_setting('lectern.audit_redact', true) = 'on'
        and (new.id, new.at, new.actor_id, new.action, new.target_type, new.target_id) is not distinct from
            (old.id, old.at, old.actor_id, old.action, old.target_type, old.target_id) then return new; end if;
      raise exception 'core_audit is append-only';
    end $$`);
}

/**
 * Keyed change notices (core/sync.ts): a row per changing transaction, read by the other instances after
 * a hint NOTIFY and pruned after minutes. BRIN on `at`: the pruning's index costs the inserts almost nothing.
 */
async function changeNotices(knex: Knex): Promise<void> {
  await knex.schema.createTable('core_notices', (t) => {
    t.bigIncrements('id');
    t.text('payload').notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('create index core_notices_at on core_notices using brin (at)');
}

export const coreMigrations: Migration[] = [
  { plugin: 'core', name: '0001_base', up: base },
  { plugin: 'core', name: '0002_jobs', up: createJobTables },
  { plugin: 'core', name: '0003_job_outbox', up: createOutboxTable },
  { plugin: 'core', name: '0004_audit_prune', up: auditPrune },
  { plugin: 'core', name: '0005_audit_redact', up: auditRedact },
  { plugin: 'core', name: '0006_change_notices', up: changeNotices },
];
