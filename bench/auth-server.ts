// The Lectern server of the auth benchmark, run as a child process (see process.ts): the core with the
// real auth plugin (bench-app.ts). The first administrator comes from LECTERN_ADMIN_EMAIL /
// LECTERN_ADMIN_PASSWORD (the plugin's own first start); one learner (BENCH_LEARNER_EMAIL, same
// password) is seeded. Clients get real API tokens from POST /api/v1/auth/tokens. Job workers run only
// with BENCH_WORKERS=1 (the import part), so the /me measurement is HTTP alone, like bench/http.ts.
import { SYSTEM } from '../core';
import auth from '../plugins/auth';
import { hashPassword } from '../plugins/auth/passwords';
import { required, serveBenchApp } from './bench-app';

serveBenchApp(() => {
  required('LECTERN_ADMIN_EMAIL');
  required('LECTERN_ADMIN_PASSWORD');
  return { databaseUrl: required('DATABASE_URL'), schema: required('BENCH_SCHEMA'), plugins: [auth], workers: process.env.BENCH_WORKERS === '1' };
}, async (app) => {
  // Idempotent: every server of one run shares the schema.
  const db = app.database.knex;
  const learnerEmail = required('BENCH_LEARNER_EMAIL');
  let learner = await db('auth_users').whereRaw('lower(email) = lower(?)', [learnerEmail]).first('id');
  if (!learner) {
    [learner] = await db('auth_users').insert({ email: learnerEmail, name: 'Bench Learner', password_hash: await hashPassword(required('LECTERN_ADMIN_PASSWORD')) }).returning('id');
  }
  await app.permissions.assign(String(learner.id), 'learner', SYSTEM);
  return { learnerId: String(learner.id) };
});
