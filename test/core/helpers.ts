// Small helpers shared by the core tests: which drivers this run uses, polling for a condition, and a
// private workspace for a spawned `lectern` process.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
export const onPostgres = Boolean(process.env.DATABASE_URL);
export const onRedis = Boolean(process.env.REDIS_URL);

/** Polls `check` until it returns true; resolves with the elapsed milliseconds or rejects at `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000, everyMs = 50): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Where a spawned `lectern` process keeps its data: a new data directory, and on PostgreSQL a schema of its
 * own that `env.DATABASE_URL` points at once `open()` has run. `close()` removes both.
 */
export function cliWorkspace(prefix: string, plugins: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `lectern-${prefix}-`));
  const schema = `${prefix}_${crypto.randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LECTERN_DATA_DIR: dataDir, LECTERN_PLUGINS: plugins, LOG_LEVEL: 'info' };
  const admin = onPostgres ? knexFactory({ client: 'pg', connection: process.env.DATABASE_URL }) : undefined;
  return {
    dataDir, env,
    async open(): Promise<void> {
      if (!admin) return;
      await admin.raw(`create schema "${schema}"`);
      const url = new URL(String(process.env.DATABASE_URL));
      url.searchParams.set('options', `-c search_path=${schema}`);
      env.DATABASE_URL = url.toString();
    },
    async close(): Promise<void> {
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (!admin) return;
      await admin.raw(`drop schema "${schema}" cascade`);
      await admin.destroy();
    },
  };
}
