// `lectern restore FILE [--force]`: puts a backup back. The whole file is checked first (check.ts) and the
// target must be empty (below) unless forced; only then, in ONE transaction: the backup's migrations
// are run (those the database lacks), every table of the backup is emptied and filled with its rows
// (foreign keys dropped and added back afterwards, which checks every row; plugins' triggers off; the
// audit table's append-only trigger does not fire on TRUNCATE), every sequence is set past the largest id,
// and the restore is audited. The stored files are written beside the files directory meanwhile and
// swapped in after the commit. A refusal or failure leaves the database as it was.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { CoreServices, type Knex, type PluginContext } from 'lectern';
import { backupLines, chunkOf, isChunk, isRow, rowOf, type Control, type Header } from './format';
import { BackupRefused, checkBackup } from './check';
import { foreignKeys, identityTables, sequences, tables } from './catalog';
import { jsonColumns, storedFiles } from './write';

/** Rows, or bytes of row JSON, per insert. */
const BATCH_ROWS = 2000;
const BATCH_BYTES = 8 * 1024 * 1024;
const AUDIT = 'core_audit';

export interface Restored { header: Header; rows: number; files: number; pendingMigrations: string[] }

const rowsOf = <T>(result: { rows: T[] }) => result.rows;

async function hasTable(db: Knex, name: string): Promise<boolean> {
  return rowsOf<{ n: number }>(await db.raw(
    `select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = ?`, [name]))[0].n > 0;
}

/** The job queue's tables: scheduled jobs fill them on a system nobody has used yet. */
const QUEUE = new Set(['core_jobs', 'core_job_outbox']);

/** The one audit record an unused system holds: `lectern migrate` records the migrations it ran. */
const MIGRATED = 'maintenance.migrate';

/**
 * Why the target is not empty, or null when it is. Empty: no audit record but the migrations', no row in
 * any table a privacy provider covers (every table that holds personal data) but the job queue's, and no
 * stored file. `lectern migrate` and starting Lectern write none of these; every change made through
 * Lectern writes an audit record.
 */
export async function notEmpty(ctx: PluginContext, filesDir: string): Promise<string | null> {
  const covered = [AUDIT, ...[...ctx.resolve(CoreServices.privacy).coveredTables()].filter((t) => !QUEUE.has(t))];
  const present = new Set((await tables(ctx.db)).map((t) => t.name));
  for (const table of [...new Set(covered)].filter((t) => present.has(t))) {
    const rows = ctx.db(table).first(ctx.db.raw('1'));
    if (table === AUDIT) rows.whereNot({ action: MIGRATED });
    if (await rows) return `table ${table} has rows`;
  }
  const files = await storedFiles(filesDir);
  return files.length ? `the files directory ${filesDir} holds ${files.length} file(s)` : null;
}

export async function restoreBackup(ctx: PluginContext, file: string, opts: { force: boolean }): Promise<Restored> {
  const system = ctx.resolve(CoreServices.system);
  const { header, trailer } = await checkBackup(file, { version: system.version, migrations: system.migrations() });
  const applied = await hasTable(ctx.db, 'core_migrations')
    ? rowsOf<{ id: string }>(await ctx.db.raw('select id from core_migrations')).map((r) => r.id) : [];
  const extra = applied.filter((m) => !header.migrations.includes(m));
  if (extra.length) {
    throw new BackupRefused(`the database has migrations the backup does not (${extra.slice(0, 5).join(', ')}): restore into a database with no Lectern tables (a new PostgreSQL database or schema, or an empty data directory)`);
  }
  if (!opts.force) {
    const why = await notEmpty(ctx, system.filesDir);
    if (why) throw new BackupRefused(`the target is not empty: ${why}. Restore into an empty database, or add --force to replace everything in it`);
  }
  const staging = path.join(path.dirname(system.filesDir), `.files-restore-${crypto.randomBytes(6).toString('hex')}`);
  await fsp.mkdir(staging, { recursive: true, mode: 0o700 });
  let rows = 0;
  try {
    await ctx.transaction(async (tx) => {
      await system.migrate(tx.db, header.migrations);
      rows = await load(tx.db, file, header, staging);
      await tx.audit({
        action: 'maintenance.restore', ip: 'cli',
        details: { file: path.basename(file), createdAt: header.createdAt, lecternVersion: header.lecternVersion, rows, files: trailer.files, force: opts.force },
      });
    });
  } catch (err) {
    await fsp.rm(staging, { recursive: true, force: true });
    throw err;
  }
  await swapIn(staging, system.filesDir);
  const known = new Set(header.migrations);
  return { header, rows, files: trailer.files, pendingMigrations: system.migrations().filter((m) => !known.has(m)) };
}

/** Empties and fills every table of the backup, and writes its files under `staging`; returns the rows inserted. */
async function load(db: Knex, file: string, header: Header, staging: string): Promise<number> {
  const target = new Map((await tables(db)).map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
  for (const t of header.tables) {
    const columns = target.get(t.name);
    const lacking = t.columns.filter((c) => !columns?.has(c.name)).map((c) => c.name);
    if (!columns || lacking.length) {
      throw new BackupRefused(`after its migrations the database ${columns ? `has no column(s) ${lacking.join(', ')} in table ${t.name}` : `has no table ${t.name}`}: the backup's tables were not all made by migrations`);
    }
  }
  const keys = await foreignKeys(db);
  for (const k of keys) await db.raw('alter table ?? drop constraint ??', [k.table, k.name]);
  for (const t of header.tables) await db.raw('alter table ?? disable trigger user', [t.name]);
  if (header.tables.length) await db.raw(`truncate ${header.tables.map(() => '??').join(', ')}`, header.tables.map((t) => t.name));

  const identity = await identityTables(db);
  // json and jsonb values were written as their text (write.ts): parsed from it; every other column from the record.
  const selectOf = new Map(header.tables.map((t) => {
    const json = new Set(jsonColumns(t));
    return [t.name, {
      names: t.columns.map((c) => c.name),
      select: t.columns.map((c) => (json.has(c.name) ? `(x.j->>?)::${c.type}` : 'r.??')).join(', '),
      bindings: t.columns.map((c) => c.name),
    }];
  }));
  let table: string | undefined;
  let batch: string[] = [];
  let bytes = 0;
  let total = 0;
  const flush = async () => {
    if (!table || !batch.length) return;
    const { names, select, bindings } = selectOf.get(table) as { names: string[]; select: string; bindings: string[] };
    await db.raw(
      `insert into ?? (${names.map(() => '??').join(', ')}) ${identity.has(table) ? 'overriding system value ' : ''}`
      + `select ${select} from json_array_elements(?::json) as x(j), json_populate_record(null::??, x.j) as r`,
      [table, ...names, ...bindings, `[${batch.join(',')}]`, table],
    );
    total += batch.length;
    batch = [];
    bytes = 0;
  };
  let out: fs.WriteStream | undefined;
  try {
    for await (const line of backupLines(file)) {
      if (table && isRow(line)) {
        const row = rowOf(line);
        batch.push(row);
        bytes += row.length;
        if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) await flush();
      } else if (out && isChunk(line)) {
        if (!out.write(chunkOf(line))) await once(out, 'drain');
      } else {
        const c = JSON.parse(line.toString()) as Control;
        if (c.t === 'table') table = c.name;
        else if (c.t === 'tableEnd') {
          await flush();
          table = undefined;
        } else if (c.t === 'file') out = await openStaged(staging, c.path);
        else if (c.t === 'fileEnd' && out) {
          const done = out;
          out = undefined;
          await new Promise<void>((resolve, reject) => done.end((err?: Error | null) => (err ? reject(err) : resolve())));
        }
      }
    }
  } finally {
    out?.destroy();
  }
  for (const k of keys) await db.raw(`alter table ?? add constraint ?? ${k.definition}`, [k.table, k.name]);
  for (const t of header.tables) await db.raw('alter table ?? enable trigger user', [t.name]);
  await resetSequences(db, header);
  return total;
}

/** A staged file's stream; check.ts allowed only storage-key paths (no "..", no leading "/"). */
async function openStaged(staging: string, relative: string): Promise<fs.WriteStream> {
  const target = path.join(staging, ...relative.split('/'));
  await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  return fs.createWriteStream(target, { flags: 'wx', mode: 0o600 });
}

/** Every sequence continues after both the value it had when backed up and the largest id now in its column. */
async function resetSequences(db: Knex, header: Header): Promise<void> {
  const recorded = new Map(header.sequences.map((s) => [s.name, s.value]));
  for (const s of await sequences(db)) {
    const largest = s.table && s.column
      ? Number(rowsOf<{ m: number | string | null }>(await db.raw('select max(??) as m from ??', [s.column, s.table]))[0].m ?? 0) : 0;
    const value = Math.max(largest, recorded.get(s.name) ?? 0);
    await db.raw('select setval(quote_ident(?)::regclass, ?, ?)', [s.name, Math.max(value, 1), value >= 1]);
  }
}

/** Puts the restored files in place of the files directory (whatever it held goes: the target was empty, or --force said so). */
async function swapIn(staging: string, filesDir: string): Promise<void> {
  const replaced = fs.existsSync(filesDir) ? `${staging}-replaced` : undefined;
  if (replaced) await fsp.rename(filesDir, replaced);
  await fsp.rename(staging, filesDir);
  if (replaced) await fsp.rm(replaced, { recursive: true, force: true });
}
