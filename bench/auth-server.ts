// The Lectern server of the auth benchmark, run as a child process (see process.ts): the core with the
// real auth plugin on PostgreSQL, in the schema the parent created (BENCH_SCHEMA), migrated. The first
// administrator comes from LECTERN_ADMIN_EMAIL / LECTERN_ADMIN_PASSWORD (the plugin's own first start);
// one learner (BENCH_LEARNER_EMAIL, same password) is seeded. Clients get real API tokens from
// POST /api/v1/auth/tokens. Job workers run only with BENCH_WORKERS=1 (the import part), so the /me
// measurement is HTTP alone, like bench/http.ts. Logs at BENCH_LOG_LEVEL (default warn) go to stderr.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, SYSTEM, type AppOptions } from '../core';
import auth from '../plugins/auth';
import { hashPassword } from '../plugins/auth/passwords';
import { serveUntilStopped } from './process';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`auth-server needs ${name}`);
  return value;
}

serveUntilStopped(async () => {
  const databaseUrl = required('DATABASE_URL');
  const schema = required('BENCH_SCHEMA');
  const learnerEmail = required('BENCH_LEARNER_EMAIL');
  const password = required('LECTERN_ADMIN_PASSWORD');
  required('LECTERN_ADMIN_EMAIL');
  const logLevel = (process.env.BENCH_LOG_LEVEL || 'warn') as NonNullable<AppOptions['config']>['logLevel'];
  // An empty working folder and env: {}: nothing from where the bench was started changes the setup.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-bench-auth-'));
  const app = await App.create({
    config: { databaseUrl, logLevel, dataDir: path.join(cwd, 'data'), plugins: [] },
    env: {},
    cwd,
    plugins: [auth],
    migrate: true,
    workers: process.env.BENCH_WORKERS === '1',
    database: { schema },
    ephemeralSecret: true,
  }).catch((err: unknown) => {
    fs.rmSync(cwd, { recursive: true, force: true });
    throw err;
  });
  try {
    await app.start();
    // Idempotent: every server of one run shares the schema.
    const db = app.database.knex;
    let learner = await db('auth_users').whereRaw('lower(email) = lower(?)', [learnerEmail]).first('id');
    if (!learner) {
      [learner] = await db('auth_users').insert({ email: learnerEmail, name: 'Bench Learner', password_hash: await hashPassword(password) }).returning('id');
    }
    await app.permissions.assign(String(learner.id), 'learner', SYSTEM);
    const address = await app.listen(0, '127.0.0.1');
    const close = async () => {
      await app.stop();
      fs.rmSync(cwd, { recursive: true, force: true });
    };
    return { port: address.port, info: { learnerId: String(learner.id) }, close };
  } catch (err) {
    await app.stop().catch(() => undefined);
    fs.rmSync(cwd, { recursive: true, force: true });
    throw err;
  }
});
