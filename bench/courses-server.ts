// The Lectern server the courses benchmark measures, run as a child process (see process.ts): the core
// with the auth and courses plugins on PostgreSQL, in the schema the parent created, migrated and seeded
// (BENCH_SCHEMA). Callers authenticate with real API tokens through the auth plugin. With
// BENCH_MEMORY_TOKEN and BENCH_MEMORY_USER set, that token also resolves to that user from memory, with no
// query — what a token cache in auth would give (a reference, not a target). No job workers: HTTP only.
// Logs at BENCH_LOG_LEVEL (default warn) go to stderr.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, type AppOptions, type IdentityProvider } from '../core';
import { serveUntilStopped } from './process';

/** Resolves one bearer token to one user without I/O (auth's provider, consulted first, ignores tokens not its own). */
const memoryToken = (token: string, userId: string): IdentityProvider => ({
  resolve: async (req) => (req.headers.authorization === `Bearer ${token}` ? { id: userId, via: 'token' } : null),
});

/** The app the benchmark measures (also used by the parent to migrate and seed). */
export async function coursesApp(databaseUrl: string, schema: string, logLevel: string, identity: IdentityProvider[] = []): Promise<{ app: App; cleanup: () => void }> {
  // An empty working folder: no lectern.config.json or environment from wherever the bench was started.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-bench-courses-'));
  const cleanup = () => fs.rmSync(cwd, { recursive: true, force: true });
  const app = await App.create({
    config: { databaseUrl, logLevel: logLevel as NonNullable<AppOptions['config']>['logLevel'], dataDir: path.join(cwd, 'data'), plugins: [] },
    env: {}, cwd, plugins: ['auth', 'courses'], migrate: true, workers: false, database: { schema }, ephemeralSecret: true, identity,
  }).catch((err: unknown) => {
    cleanup();
    throw err;
  });
  return { app, cleanup };
}

if (require.main === module) {
  serveUntilStopped(async () => {
    const { DATABASE_URL: databaseUrl, BENCH_SCHEMA: schema, BENCH_MEMORY_TOKEN: token, BENCH_MEMORY_USER: userId } = process.env;
    if (!databaseUrl || !schema) throw new Error('courses-server needs DATABASE_URL and BENCH_SCHEMA');
    const identity = token && userId ? [memoryToken(token, userId)] : [];
    const { app, cleanup } = await coursesApp(databaseUrl, schema, process.env.BENCH_LOG_LEVEL || 'warn', identity);
    const close = async () => {
      await app.stop();
      cleanup();
    };
    try {
      await app.start();
      const address = await app.listen(0, '127.0.0.1');
      return { port: address.port, close };
    } catch (err) {
      await close().catch(() => undefined);
      throw err;
    }
  });
}
