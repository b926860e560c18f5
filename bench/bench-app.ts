// The Lectern app every benchmark server runs (lectern-server, auth-server, courses-server): the core
// with the given plugins on PostgreSQL, in the schema the parent created, migrated, from an empty
// working folder and `env: {}` (nothing from where the bench was started — a lectern.config.json, a
// configured Redis — changes what is measured), logs at BENCH_LOG_LEVEL (default warn) on stderr, and
// no job workers unless asked (idle workers polling the jobs table would add CPU that requests do not).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, type AppOptions, type IdentityProvider } from '../core';
import { serveUntilStopped } from './process';

export interface BenchAppOptions {
  databaseUrl: string;
  schema: string;
  plugins: NonNullable<AppOptions['plugins']>;
  workers?: boolean;
  identity?: IdentityProvider[];
}

/** An environment variable the server cannot run without. */
export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`this benchmark server needs ${name}`);
  return value;
}

/** The app, created; `cleanup` removes its working folder (after app.stop()). */
export async function benchApp(opts: BenchAppOptions): Promise<{ app: App; cleanup: () => void }> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-bench-'));
  const cleanup = () => fs.rmSync(cwd, { recursive: true, force: true });
  const logLevel = (process.env.BENCH_LOG_LEVEL || 'warn') as NonNullable<AppOptions['config']>['logLevel'];
  const app = await App.create({
    config: { databaseUrl: opts.databaseUrl, logLevel, dataDir: path.join(cwd, 'data'), plugins: [] },
    env: {}, cwd, plugins: opts.plugins, migrate: true, workers: opts.workers ?? false,
    identity: opts.identity ?? [], database: { schema: opts.schema }, ephemeralSecret: true,
  }).catch((err: unknown) => {
    cleanup();
    throw err;
  });
  return { app, cleanup };
}

/** Runs a benchmark server process: creates the app, starts it, seeds (idempotently), listens on 127.0.0.1. */
export function serveBenchApp(opts: () => BenchAppOptions, seed?: (app: App) => Promise<Record<string, unknown>>): void {
  serveUntilStopped(async () => {
    const { app, cleanup } = await benchApp(opts());
    const close = async () => {
      await app.stop();
      cleanup();
    };
    try {
      await app.start();
      const info = seed ? await seed(app) : {};
      const address = await app.listen(0, '127.0.0.1');
      return { port: address.port, info, close };
    } catch (err) {
      await close().catch(() => undefined);
      throw err;
    }
  });
}
