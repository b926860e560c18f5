// The Lectern server of the content benchmark, run as a child process (see process.ts): the core with
// auth, courses and content (bench-app.ts). The first administrator comes from LECTERN_ADMIN_EMAIL /
// LECTERN_ADMIN_PASSWORD; one learner (BENCH_LEARNER_EMAIL, same password) is seeded. The content, the
// course and the enrollment are made by the benchmark itself through the API, as an administrator would.
import auth from '../plugins/auth';
import courses from '../plugins/courses';
import content from '../plugins/content';
import { hashPassword } from '../plugins/auth/passwords';
import { required, serveBenchApp } from './bench-app';

serveBenchApp(() => {
  required('LECTERN_ADMIN_EMAIL');
  required('LECTERN_ADMIN_PASSWORD');
  return { databaseUrl: required('DATABASE_URL'), schema: required('BENCH_SCHEMA'), plugins: [auth, courses, content] };
}, async (app) => {
  // Idempotent: every server of one run shares the schema.
  const db = app.database.knex;
  const email = required('BENCH_LEARNER_EMAIL');
  let learner = await db('auth_users').whereRaw('lower(email) = lower(?)', [email]).first('id');
  if (!learner) {
    [learner] = await db('auth_users').insert({ email, name: 'Bench Learner', password_hash: await hashPassword(required('LECTERN_ADMIN_PASSWORD')) }).returning('id');
  }
  return { learnerId: String(learner.id) };
});
