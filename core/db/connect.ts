// Opens the database: PostgreSQL through a pg pool when DATABASE_URL is set, otherwise embedded
// PGlite (real PostgreSQL in WASM) in the data dir, guarded by a lock file so two processes never
// open the same files.
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import ClientPGLite from 'knex-pglite';
import type { Logger } from 'pino';
import { BootError } from '../errors';
import { PreparingPgClient } from './prepared';

// pg returns int8 (count(*), bigserial) as strings; PGlite returns numbers. Make them agree.
pg.types.setTypeParser(20, Number);

export type DatabaseDriver = 'postgres' | 'pglite';

export interface Database {
  readonly knex: Knex;
  readonly driver: DatabaseDriver;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string;
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
    const knex = knexFactory({
      client: PreparingPgClient,
      connection: opts.databaseUrl,
      searchPath: opts.schema ? [opts.schema] : undefined,
      pool: { min: 0, max: 10 },
      acquireConnectionTimeout: 5000,
      log: knexLog(opts.log),
    });
    return { knex, driver: 'postgres', close: () => knex.destroy() };
  }
  const release = opts.pglite ? () => undefined : lockDataDir(opts.dataDir);
  const pglite = opts.pglite ?? new PGlite(path.join(opts.dataDir, 'pglite'));
  const knex = knexFactory({
    client: CountingPGLiteClient as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: () => ({ pglite }) as Knex.StaticConnectionConfig,
    acquireConnectionTimeout: 60_000,
    log: knexLog(opts.log),
  });
  return {
    knex,
    driver: 'pglite',
    close: async () => {
      await knex.destroy();
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
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = path.join(dataDir, 'pglite.lock');
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
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
