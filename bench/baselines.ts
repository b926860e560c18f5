// The two baselines every Lectern benchmark reports against, measured in the same run as the targets
// (absolute figures on this shared 2-core machine move with load; ratios within one run do not):
//   A — bare Koa hello-world;  B — bare Koa + knex + pg `SELECT 1` (the DB-bound ceiling).
// Also the PostgreSQL URL default and a helper to measure any server script the same way.
import path from 'node:path';
import { forkServer, type ForkOptions } from './process';
import { expectOk, measure, type Figures, type MeasureOptions } from './measure';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function benchDatabaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

export interface Baselines {
  /** A: bare Koa answering { ok: true }. */
  koa: Figures;
  /** B: bare Koa running SELECT 1 through knex + pg (pool max 10). */
  koaSelect1: Figures;
}

export interface Target {
  /** Path (and query) requested on the server. */
  path: string;
  headers?: Record<string, string>;
  /** Checked on one request before measuring. */
  check?: (body: string) => boolean;
}

/** Forks `script`, checks `target` answers 200, measures it, and stops the server (always). */
export async function measureServer(script: string, target: Target | ((info: Record<string, unknown>) => Target), opts: {
  fork?: ForkOptions; measure?: MeasureOptions;
} = {}): Promise<Figures> {
  const server = await forkServer(script, opts.fork);
  try {
    const t = typeof target === 'function' ? target(server.info) : target;
    const url = server.url + t.path;
    await expectOk(url, t.headers, t.check);
    const figures = await measure(url, { ...opts.measure, headers: t.headers, pid: server.pid });
    // autocannon hangs up with requests still queued for a pool connection: let them finish before the
    // server closes its pool, or they fail with "aborted" (harmless, but noisy).
    await new Promise((resolve) => setTimeout(resolve, 500));
    return figures;
  } finally {
    await server.stop();
  }
}

const baselineScript = path.join(__dirname, 'baseline-server.js');

/** Runs baseline A then baseline B, one server process at a time. */
export async function measureBaselines(opts: MeasureOptions & { databaseUrl?: string } = {}): Promise<Baselines> {
  const isOk = (body: string) => body === '{"ok":true}';
  const koa = await measureServer(baselineScript, { path: '/', check: isOk }, { fork: { args: ['koa-hello'] }, measure: opts });
  const koaSelect1 = await measureServer(baselineScript, { path: '/', check: isOk }, {
    fork: { args: ['koa-select1'], env: { DATABASE_URL: opts.databaseUrl ?? benchDatabaseUrl() } }, measure: opts,
  });
  return { koa, koaSelect1 };
}
