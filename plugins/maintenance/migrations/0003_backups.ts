// The record of backups: one row per backup the maintenance.backup job (or `lectern backup`) made or
// failed to make — its file, size, SHA-256 and row counts — so the API lists them and retention knows
// which files to delete. Who asked for a backup is in the audit trail, not here.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('maintenance_backups', (t) => {
    t.bigIncrements('id');
    t.text('state').notNullable();
    t.text('directory').notNullable();
    t.text('file_name').notNullable().unique();
    t.bigInteger('size');
    t.text('sha256');
    t.jsonb('rows').notNullable().defaultTo('{}');
    t.integer('files').notNullable().defaultTo(0);
    t.text('error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("state in ('completed', 'failed')");
    t.index(['created_at']);
  });
}
