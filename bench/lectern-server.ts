// The Lectern server under test, run as a child process (see process.ts): the core with the example
// "hello" plugin on PostgreSQL, in the schema the parent created (BENCH_SCHEMA), migrated, with one
// greeting row seeded and one user holding the built-in `learner` role at system context. Callers
// authenticate with `Authorization: Bearer $BENCH_TOKEN`, resolved by a token identity provider
// passed through App.create({ identity }). Logs at BENCH_LOG_LEVEL (default warn) go to stderr.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, SYSTEM, type AppOptions, type IdentityProvider } from '../core';
import hello from '../examples/hello-plugin';
import { serveUntilStopped } from './process';

const BENCH_USER = 'bench-user';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`lectern-server needs ${name}`);
  return value;
}

/** Bearer token → principal, as a token plugin would do it (one map lookup, no I/O). */
function tokenIdentity(tokens: Map<string, string>): IdentityProvider {
  return {
    async resolve(req) {
      const header = req.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer (\S+)$/.exec(header) : null;
      const id = match ? tokens.get(match[1]) : undefined;
      return id ? { id, via: 'token' } : null;
    },
  };
}

serveUntilStopped(async () => {
  const databaseUrl = required('DATABASE_URL');
  const schema = required('BENCH_SCHEMA');
  const token = required('BENCH_TOKEN');
  const logLevel = (process.env.BENCH_LOG_LEVEL || 'warn') as NonNullable<AppOptions['config']>['logLevel'];
  // An empty working folder: no lectern.config.json or environment from wherever the bench was started
  // (a configured Redis, other plugins) changes what is measured.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-bench-'));
  const app = await App.create({
    config: { databaseUrl, logLevel, dataDir: path.join(cwd, 'data'), plugins: [] },
    env: {},
    cwd,
    plugins: [hello],
    migrate: true,
    // The HTTP server alone: idle job workers (polling the jobs table) would add background CPU that
    // has nothing to do with requests. Production runs them as `lectern worker` processes anyway.
    workers: false,
    identity: [tokenIdentity(new Map([[token, BENCH_USER]]))],
    database: { schema },
    ephemeralSecret: true,
  }).catch((err: unknown) => {
    fs.rmSync(cwd, { recursive: true, force: true });
    throw err;
  });
  try {
    await app.start();
    // Idempotent seeding: every server of one run shares the schema, so the greeting stays id 1.
    const db = app.database.knex;
    const existing = await db('hello_greetings').orderBy('id').first('id');
    const [row] = existing ? [existing] : await db('hello_greetings').insert({ message: 'Hello from the benchmark' }).returning('id');
    await app.permissions.assign(BENCH_USER, 'learner', SYSTEM);
    const address = await app.listen(0, '127.0.0.1');
    const close = async () => {
      await app.stop();
      fs.rmSync(cwd, { recursive: true, force: true });
    };
    return { port: address.port, info: { greetingId: String((row as { id: number }).id) }, close };
  } catch (err) {
    await app.stop().catch(() => undefined);
    fs.rmSync(cwd, { recursive: true, force: true });
    throw err;
  }
});
