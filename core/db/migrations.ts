// Forward-only schema migrations, per plugin, recorded as `<plugin>/<name>` and run in dependency
// order inside one transaction under an advisory lock, so concurrent starts never race.
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { BootError } from '../errors';

export interface Migration {
  readonly plugin: string;
  readonly name: string;
  up(knex: Knex): Promise<void>;
}

export interface MigrationStatus { id: string; applied: boolean; migratedAt: string | null }

const TABLE = 'core_migrations';
const LOCK_KEY = 'lectern:migrations';

/** Reads `<dir>/*.js` (compiled migration files, each exporting `up(knex)`) in name order. */
export function loadMigrationDir(plugin: string, dir: string): Migration[] {
  if (!fs.existsSync(dir)) throw new BootError('LECTERN_MIGRATIONS_MISSING', `plugin "${plugin}" names migrations directory ${dir}, which does not exist`);
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((file) => {
      const mod = require(path.join(dir, file)) as { up?: Migration['up'] };
      if (typeof mod.up !== 'function') {
        throw new BootError('LECTERN_MIGRATION_INVALID', `${path.join(dir, file)} must export an async up(knex) function`);
      }
      return { plugin, name: file.replace(/\.js$/, ''), up: mod.up };
    });
}

async function ensureTable(knex: Knex): Promise<void> {
  await knex.raw(`create table if not exists ${TABLE} (
    id text primary key, plugin text not null, migrated_at timestamptz not null default now())`);
}

async function applied(knex: Knex): Promise<Map<string, string>> {
  const rows: { id: string; migrated_at: Date }[] = await knex(TABLE).select('id', 'migrated_at');
  return new Map(rows.map((r) => [r.id, new Date(r.migrated_at).toISOString()]));
}

const idOf = (m: Migration) => `${m.plugin}/${m.name}`;

export async function migrationStatus(knex: Knex, migrations: Migration[]): Promise<MigrationStatus[]> {
  await ensureTable(knex);
  const done = await applied(knex);
  return migrations.map((m) => ({ id: idOf(m), applied: done.has(idOf(m)), migratedAt: done.get(idOf(m)) ?? null }));
}

export async function pendingMigrations(knex: Knex, migrations: Migration[]): Promise<string[]> {
  return (await migrationStatus(knex, migrations)).filter((s) => !s.applied).map((s) => s.id);
}

/** Runs every pending migration; returns the ids it ran. `record` runs last in the same transaction when any ran (the audit record). */
export async function runMigrations(knex: Knex, migrations: Migration[], record?: (trx: Knex, ran: string[]) => Promise<void>): Promise<string[]> {
  await ensureTable(knex);
  return knex.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [LOCK_KEY]);
    const done = await applied(trx);
    const ran: string[] = [];
    for (const m of migrations) {
      if (done.has(idOf(m))) continue;
      try {
        await m.up(trx);
      } catch (err) {
        throw new BootError('LECTERN_MIGRATION_FAILED', `${idOf(m)} failed, nothing was changed: ${(err as Error).message}`);
      }
      await trx(TABLE).insert({ id: idOf(m), plugin: m.plugin });
      ran.push(idOf(m));
    }
    if (ran.length && record) await record(trx, ran);
    return ran;
  });
}
