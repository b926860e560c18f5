// `npm run bench:writes` (and part of `npm run bench`): the write paths an administrator and an instructor use most, against the SELECT 1
// baseline (B) measured in the same round: creating a cohort (`POST /api/v1/cohorts`, a new name each
// request; target ≥ 25 % of B) and enrolling one learner (`POST /api/v1/courses/:id/enrollments`, a
// different person each request, into 50 published courses in turn; target ≥ 25 % of B). Completing an
// item (target ≥ 40 %) is bench:courses' POST target. A real administrator's API token; auth and courses
// plugins; job workers off (the writes' jobs are written, not run). Each round also replays both
// requests' statements straight through pg (writes-ceiling.ts): the database's own ceiling, a reference
// that bounds what the server could reach. PostgreSQL from DATABASE_URL, a
// scratch schema dropped after the run. Env: BENCH_ROUNDS (3), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (5),
// BENCH_CONNECTIONS (50), BENCH_LOG_LEVEL (warn).
import path from 'node:path';
import type { Knex } from 'knex';
import { benchDatabaseUrl, type Baselines } from './baselines';
import { median, medianOf, type Figures } from './measure';
import { line, loadAverage, machine, pct, table } from './report';
import { coursesApp } from './courses-server';
import { measureVariedServer, type Varied, type VariedFigures } from './courses-load';
import { seedCourseStructure } from './courses-seed';
import { runCli, type ResultRow, type ScenarioOptions, type ScenarioResult } from './scenario';
import { inScratchSchema } from './scratch-schema';
import { bearerToken } from './tokens';
import { cohortCeiling, enrollmentCeiling } from './writes-ceiling';
import { hashPassword } from '../plugins/auth/passwords';

const PASSWORD = 'bench password 1';
const ADMIN = 'admin@writes.bench';
/** People to enroll: more than the rounds' requests (about 2,000 req/s × 15 s × 3 rounds). */
const LEARNERS = 150_000;
const COURSES = 50;
const TARGET = 0.25;
const CEILING_COHORT = "A cohort's statements alone, through pg on 10 connections, no HTTP (the database's ceiling)";
const CEILING_ENROLL = "An enrollment's statements alone, through pg on 10 connections, no HTTP (the database's ceiling)";
const serverScript = path.join(__dirname, 'courses-server.js');
const progress = (msg: string) => process.stderr.write(`[bench:writes] ${msg}\n`);

/** An administrator with a password, LEARNERS accounts without one, COURSES published courses of two required items. */
async function seed(db: Knex, passwordHash: string): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw(`insert into auth_users (email, name, password_hash) values (?, 'Bench administrator', ?)`, [ADMIN, passwordHash]);
    await trx.raw(`insert into core_role_assignments (user_id, role_key, context_id)
      select u.id, 'admin', c.id from auth_users u, core_contexts c where u.email = ? and c.type = 'system'`, [ADMIN]);
    await trx.raw(`insert into auth_users (email, name) select 'w' || g || '@writes.bench', 'Writer ' || g from generate_series(1, ?) g`, [LEARNERS]);
    await trx.raw(`insert into courses_categories (name) values ('Bench category')`);
    await trx.raw(`insert into courses_courses (code, title, summary, category_id, status, published_at)
      select 'W' || g, 'Write course ' || g, 'Enrolled into by the benchmark', (select min(id) from courses_categories), 'published', now()
      from generate_series(1, ?) g`, [COURSES]);
    await seedCourseStructure(trx, 2, 2); // sections, items and the courses' permission contexts
    await trx.raw(`update courses_courses set required_items = 2`);
  });
  for (const t of ['auth_users', 'courses_courses', 'core_role_assignments']) await db.raw('vacuum analyze ??', [t]);
}

async function prepare(databaseUrl: string, schema: string): Promise<{ token: string; adminId: string; learners: string[]; courses: string[] }> {
  const { app, cleanup } = await coursesApp(databaseUrl, schema);
  try {
    await app.start();
    await seed(app.database.knex, await hashPassword(PASSWORD));
    const db = app.database.knex;
    const learners = (await db('auth_users').whereNull('password_hash').orderBy('id').pluck('id')).map(String);
    const courses = (await db('courses_courses').orderBy('id').pluck('id')).map(String);
    const adminId = String(await db('auth_users').where({ email: ADMIN }).first('id').then((r: { id: number }) => r.id));
    const { port } = await app.listen(0, '127.0.0.1');
    return { token: await bearerToken(port, ADMIN, PASSWORD), adminId, learners, courses };
  } finally {
    await app.stop();
    cleanup();
  }
}

interface Round { baselines: Baselines; cohort: VariedFigures; enroll: VariedFigures; cohortCeiling: Figures; enrollCeiling: Figures }

export async function writesScenario({ settings, rounds, measureBaselines }: ScenarioOptions): Promise<ScenarioResult> {
  const databaseUrl = benchDatabaseUrl();
  const logLevel = process.env.BENCH_LOG_LEVEL || 'warn';
  const started = new Date();
  const loadBefore = loadAverage();
  return inScratchSchema(databaseUrl, 'bench_writes', async ({ schema, serverVersion }) => {
    const { token, adminId, learners, courses } = await prepare(databaseUrl, schema);
    const ceiling = { databaseUrl, schema, adminId, learners, courses, seconds: settings.seconds };
    progress(`seeded ${learners.length} learners and ${courses.length} courses; load ${loadAverage()}`);
    const fork = { env: { DATABASE_URL: databaseUrl, BENCH_SCHEMA: schema, BENCH_LOG_LEVEL: logLevel } };
    const json = { authorization: token, 'content-type': 'application/json' };
    let cohorts = 0;
    const nextCohort = (): Varied => ({ method: 'POST', path: '/api/v1/cohorts', headers: json, body: JSON.stringify({ name: `Bench cohort ${++cohorts}` }) });
    let enrolled = 0;
    const nextEnrollment = (): Varied => {
      const i = enrolled++;
      if (i >= learners.length) throw new Error(`ran out of learners to enroll after ${learners.length}`);
      return { method: 'POST', path: `/api/v1/courses/${courses[i % courses.length]}/enrollments`, headers: json, body: JSON.stringify({ userId: learners[i], role: 'learner' }) };
    };
    const measured: Round[] = [];
    for (let r = 1; r <= rounds; r++) {
      progress(`round ${r}/${rounds}: baselines, load ${loadAverage()}`);
      const baselines = await measureBaselines();
      progress(line('  B', baselines.koaSelect1));
      const cohort = await measureVariedServer(serverScript, fork, settings, nextCohort);
      progress(`${line('  POST /api/v1/cohorts', cohort)}, statuses ${JSON.stringify(cohort.statuses)}`);
      const enroll = await measureVariedServer(serverScript, fork, settings, nextEnrollment);
      progress(`${line('  POST /api/v1/courses/:id/enrollments', enroll)}, statuses ${JSON.stringify(enroll.statuses)}`);
      const cohortAlone = await cohortCeiling(ceiling);
      progress(line('  ceiling: a cohort\'s statements through pg', cohortAlone));
      const enrollAlone = await enrollmentCeiling(ceiling);
      progress(line('  ceiling: an enrollment\'s statements through pg', enrollAlone));
      measured.push({ baselines, cohort, enroll, cohortCeiling: cohortAlone, enrollCeiling: enrollAlone });
    }
    const ratio = (pick: (r: Round) => Figures) => medianOf(measured.map((r) => pick(r).rps / r.baselines.koaSelect1.rps));
    const verdict = (name: string, pick: (r: Round) => VariedFigures) => {
      const m = ratio(pick);
      const each = measured.map((r) => pct(pick(r).rps, r.baselines.koaSelect1.rps)).join(', ');
      return `${name}: median ${(m * 100).toFixed(1)} % of B (rounds ${each}) — target ≥ ${TARGET * 100} %: ${m >= TARGET ? 'met' : 'NOT met'}`;
    };
    const last = measured[measured.length - 1];
    const baselines = { koa: median(measured.map((r) => r.baselines.koa)), koaSelect1: median(measured.map((r) => r.baselines.koaSelect1)) };
    const reference = (name: string, pick: (r: Round) => Figures): ResultRow => ({ name, figures: median(measured.map(pick)), baselines });
    const row = (name: string, pick: (r: Round) => VariedFigures): ResultRow => ({
      name, figures: median(measured.map(pick)), baselines, value: `${(ratio(pick) * 100).toFixed(1)} % of B`, target: `≥ ${TARGET * 100} % of B`, met: ratio(pick) >= TARGET,
    });
    const report = [
      `Run: ${started.toISOString()}, ${rounds} round(s) of ${settings.warmupSeconds} s warm-up + ${settings.seconds} s per target, ${settings.connections} connections, autocannon → 127.0.0.1, one server process at a time`,
      `Machine: ${machine()}; load average ${loadBefore} before, ${loadAverage()} after`,
      `Database: PostgreSQL ${serverVersion}, fresh schema dropped after the run; ${learners.length} accounts, ${courses.length} published courses`,
      `Lectern: auth + courses plugins, an administrator's real API token, log level ${logLevel}, job workers off`,
      '',
      'Medians over the rounds:',
      '',
      table(baselines, [
        { name: '`POST /api/v1/cohorts` (a new name each request)', figures: median(measured.map((r) => r.cohort)) },
        { name: '`POST /api/v1/courses/:id/enrollments` (one learner, a different one each request)', figures: median(measured.map((r) => r.enroll)) },
        { name: `${CEILING_COHORT} (transactions/s)`, figures: median(measured.map((r) => r.cohortCeiling)) },
        { name: `${CEILING_ENROLL} (transactions/s)`, figures: median(measured.map((r) => r.enrollCeiling)) },
      ]),
      '',
      verdict('Create a cohort', (r) => r.cohort),
      verdict('Enroll one learner', (r) => r.enroll),
      `The database's ceiling (the same statements through pg, no HTTP): a cohort ${(ratio((r) => r.cohortCeiling) * 100).toFixed(1)} % of B, an enrollment ${(ratio((r) => r.enrollCeiling) * 100).toFixed(1)} % of B`,
      `Last round's answers: cohorts ${JSON.stringify(last.cohort.statuses)}, enrollments ${JSON.stringify(last.enroll.statuses)}`,
    ].join('\n');
    return {
      report,
      rows: [
        row('Create a cohort: `POST /api/v1/cohorts` (a new name each request)', (r) => r.cohort),
        row('Enroll one learner: `POST /api/v1/courses/:id/enrollments` (a different one each request)', (r) => r.enroll),
        reference(`${CEILING_COHORT} (reference; transactions/s)`, (r) => r.cohortCeiling),
        reference(`${CEILING_ENROLL} (reference; transactions/s)`, (r) => r.enrollCeiling),
      ],
    };
  });
}

if (require.main === module) runCli('writes', writesScenario, 3);
