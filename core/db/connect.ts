// Opens the database: PostgreSQL through a pg pool when DATABASE_URL is set, otherwise embedded
// PGlite (real PostgreSQL in WASM) in the data dir, guarded by a lock file so two processes never
// open the same files, and readable by this user only (data-dir.ts).
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import ClientPGLite from 'knex-pglite';
import type { Logger } from 'pino';
import { BootError } from '../errors';
import { privateDir, tightenTree } from '../data-dir';
import { PreparingPgClient } from './prepared';
import { channelOf, listenPglite, listenPostgres, type Listen } from './notify';

// pg returns int8 (count(*), bigserial) as strings; PGlite returns numbers. Make them agree.
pg.types.setTypeParser(20, Number);

export type DatabaseDriver = 'postgres' | 'pglite';

export interface Database {
  readonly knex: Knex;
  /** For reads that may lag (the read replica of `databaseReadUrl`), else `knex` itself. */
  readonly readKnex: Knex;
  readonly driver: DatabaseDriver;
  /** The NOTIFY channel that change notices of this database travel on. */
  readonly channel: string;
  /** Calls `onNotice` whenever any instance notifies `channel` (after its transaction commits). */
  readonly listen: Listen;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string;
  /** A read replica of databaseUrl (PostgreSQL only). */
  databaseReadUrl?: string;
  dataDir: string;
  /** PostgreSQL schema to use (tests get a fresh one per app). */
  schema?: string;
  /** An already open PGlite instance (tests clone a migrated template). */
  pglite?: PGlite;
  log?: Logger;
}

/** knex reports pool and connection trouble through this, not the console. */
const knexLog = (log?: Logger) => log && ({
  warn: (m: unknown) => log.warn({ knex: m }, 'database warning'),
  error: (m: unknown) => log.error({ knex: m }, 'database error'),
  deprecate: (m: unknown) => log.warn({ knex: m }, 'database deprecation'),
  debug: (m: unknown) => log.debug({ knex: m }, 'database debug'),
});

export async function connectDatabase(opts: ConnectOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = (url: string) => knexFactory({
      client: PreparingPgClient,
      connection: url,
      searchPath: opts.schema ? [opts.schema] : undefined,
      pool: { min: 0, max: 10 },
      acquireConnectionTimeout: 5000,
      log: knexLog(opts.log),
    });
    const knex = pool(opts.databaseUrl);
    const readKnex = opts.databaseReadUrl ? pool(opts.databaseReadUrl) : knex;
    const channel = channelOf(opts.schema);
    return {
      knex, readKnex, driver: 'postgres', channel, listen: listenPostgres(opts.databaseUrl, channel, opts.log),
      close: async () => {
        await knex.destroy();
        if (readKnex !== knex) await readKnex.destroy();
      },
    };
  }
  const release = opts.pglite ? () => undefined : lockDataDir(opts.dataDir);
  const pglite = opts.pglite ?? new PGlite(path.join(opts.dataDir, 'pglite'));
  if (!opts.pglite) {
    // PGlite writes a new database's files world-readable (inside the private directory): tighten them.
    await pglite.waitReady.catch((err: unknown) => { release(); throw err; });
    tightenTree(opts.dataDir);
  }
  const knex = knexFactory({
    client: CountingPGLiteClient as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: () => ({ pglite }) as Knex.StaticConnectionConfig,
    acquireConnectionTimeout: 60_000,
    log: knexLog(opts.log),
  });
  const channel = channelOf();
  return {
    knex,
    readKnex: knex,
    driver: 'pglite',
    channel,
    listen: listenPglite(pglite, channel),
    close: async () => {
      await knex.destroy();
      // knex closes it only if a query ran; it was opened above (to tighten its files) either way.
      if (!opts.pglite && !pglite.closed) await pglite.close();
      release();
    },
  };
}

/**
 * knex-pglite names a delete's command "DEL", so knex returns the raw result instead of the number of
 * deleted rows as it does on PostgreSQL; this restores the PostgreSQL behaviour.
 */
type ResponseProcessing = { processResponse(obj: { method?: string }, runner: unknown): unknown };
const PGLiteBase = ClientPGLite as unknown as new (config: Knex.Config) => Knex.Client & ResponseProcessing;
class CountingPGLiteClient extends PGLiteBase {
  processResponse(obj: { method?: string }, runner: unknown): unknown {
    return super.processResponse(obj.method === 'del' ? { ...obj, method: 'delete' } : obj, runner);
  }
}

/** PGlite does not lock its files; two processes on one data dir would corrupt it. */
function lockDataDir(dataDir: string): () => void {
  privateDir(dataDir);
  const lock = path.join(dataDir, 'pglite.lock');
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch {
    const holder = Number(fs.readFileSync(lock, 'utf8'));
    if (holder && isAlive(holder)) {
      throw new BootError('LECTERN_DATA_DIR_LOCKED',
        `process ${holder} is using the embedded database in ${dataDir}. Stop it, or set DATABASE_URL to share a PostgreSQL server between processes.`);
    }
    fs.writeFileSync(lock, String(process.pid));
  }
  return () => fs.rmSync(lock, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
