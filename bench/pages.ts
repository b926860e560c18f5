// `npm run bench:pages` (and part of `npm run bench`): the signed-in home page (`GET /`, HTML) as a learner enrolled in 20 courses with
// some progress — the courses plugin's "My courses" panel — against the SELECT 1 baseline (B) measured in
// the same run (baselines.ts). Target: ≥ 20 % of B req/s. The learner signs in with a real session
// cookie (POST /api/v1/auth/login on the measured server). PostgreSQL from DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test), a scratch schema dropped after the run; the server takes no
// Redis (bench-app.ts: job workers off, nothing on this path uses it), so REDIS_URL is only reported.
// Env: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (5), BENCH_CONNECTIONS (50), BENCH_LOG_LEVEL (warn).
import path from 'node:path';
import type { Knex } from 'knex';
import { benchDatabaseUrl } from './baselines';
import { expectOk, measure, type Figures } from './measure';
import { forkServer } from './process';
import { line, loadAverage, machine, pct, table } from './report';
import { coursesApp } from './courses-server';
import { seedCourseStructure } from './courses-seed';
import { runCli, type ScenarioOptions, type ScenarioResult } from './scenario';
import { inScratchSchema } from './scratch-schema';
import { hashPassword } from '../plugins/auth/passwords';

const PASSWORD = 'bench password 1';
const EMAIL = 'home@bench.example';
/** A learner with no enrollments: the same page with the panel's empty state (a reference, not a target). */
const EMPTY_EMAIL = 'empty@bench.example';
const COURSES = 200;
const ENROLLED = 20;
const TARGET = 0.2;
const serverScript = path.join(__dirname, 'courses-server.js');
const progress = (msg: string) => process.stderr.write(`[bench:pages] ${msg}\n`);

/** 200 published courses (one section of 10 items, 8 required); the learner enrolled in 20 of them, progress varying. */
async function seed(db: Knex, passwordHash: string): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw(`insert into courses_categories (name) values ('Bench category')`);
    await trx.raw(`insert into courses_courses (code, title, summary, category_id, status, published_at)
      select 'P' || g, 'Home course ' || g, 'A course on the home page', (select min(id) from courses_categories), 'published', now()
      from generate_series(1, ?) g`, [COURSES]);
    await seedCourseStructure(trx, 10, 8);
    await trx.raw(`update courses_courses c set required_items = 8`);
    await trx.raw(`insert into auth_users (email, name, password_hash) values (?, 'Home learner', ?), (?, 'Empty learner', ?)`, [EMAIL, passwordHash, EMPTY_EMAIL, passwordHash]);
    await trx.raw(`insert into courses_enrollments (course_id, user_id, role, source, enrolled_at, required_done, items_done, updated_at)
      select c.id, u.id, 'learner', 'manual', now() - interval '30 days', (c.id % 9), (c.id % 9), now() - c.id * interval '1 minute'
      from (select id from courses_courses order by id limit ?) c, auth_users u where u.email = ?`, [ENROLLED, EMAIL]);
  });
  for (const t of ['courses_courses', 'courses_enrollments', 'auth_users']) await db.raw('vacuum analyze ??', [t]);
}

/** Signs in on the running server and returns the session cookie. */
async function sessionCookie(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('lectern_session='));
  if (!cookie) throw new Error('login set no session cookie');
  return cookie;
}

export async function pagesScenario({ settings, measureBaselines }: ScenarioOptions): Promise<ScenarioResult> {
  const databaseUrl = benchDatabaseUrl();
  const logLevel = process.env.BENCH_LOG_LEVEL || 'warn';
  const started = new Date();
  const loadBefore = loadAverage();
  return inScratchSchema(databaseUrl, 'bench_pages', async ({ schema, serverVersion }) => {
    const { app, cleanup } = await coursesApp(databaseUrl, schema);
    try {
      await app.start();
      await seed(app.database.knex, await hashPassword(PASSWORD));
    } finally {
      await app.stop();
      cleanup();
    }
    progress(`seeded ${COURSES} courses, the learner enrolled in ${ENROLLED}; baselines, load ${loadAverage()}`);
    const baselines = await measureBaselines();
    progress(line('  B', baselines.koaSelect1));
    const homeAs = async (email: string, check: (body: string) => boolean): Promise<Figures> => {
      const server = await forkServer(serverScript, { env: { DATABASE_URL: databaseUrl, BENCH_SCHEMA: schema, BENCH_LOG_LEVEL: logLevel } });
      try {
        const headers = { cookie: await sessionCookie(server.url, email), accept: 'text/html' };
        await expectOk(`${server.url}/`, headers, check);
        const figures = await measure(`${server.url}/`, { ...settings, headers, pid: server.pid });
        await new Promise((resolve) => setTimeout(resolve, 500));
        return figures;
      } finally {
        await server.stop();
      }
    };
    const home = await homeAs(EMAIL, (body) => body.includes('My courses') && (body.match(/<progress /g) ?? []).length === ENROLLED);
    progress(line('  GET / (learner, 20 courses)', home));
    const empty = await homeAs(EMPTY_EMAIL, (body) => body.includes('You are not enrolled in any course yet'));
    progress(line('  GET / (learner, no courses)', empty));
    const ratio = home.rps / baselines.koaSelect1.rps;
    const report = [
      `Run: ${started.toISOString()}, ${settings.warmupSeconds} s warm-up + ${settings.seconds} s per target, ${settings.connections} connections, autocannon → 127.0.0.1, one server process at a time`,
      `Machine: ${machine()}; load average ${loadBefore} before, ${loadAverage()} after`,
      `Database: PostgreSQL ${serverVersion}, fresh schema dropped after the run; ${COURSES} courses, the learner enrolled in ${ENROLLED} with progress; Redis: not used by this path (REDIS_URL ${process.env.REDIS_URL ? 'set' : 'unset'})`,
      `Lectern: auth + courses plugins, a real session cookie (POST /api/v1/auth/login), Accept: text/html, log level ${logLevel}, job workers off`,
      '',
      table(baselines, [
        { name: '`GET /` signed in (My courses panel, 20 courses)', figures: home },
        { name: 'reference: `GET /` signed in, no enrollments (empty panel)', figures: empty },
      ]),
      '',
      `Verdict: GET / at ${pct(home.rps, baselines.koaSelect1.rps)} of B — target ≥ ${TARGET * 100} %: ${ratio >= TARGET ? 'met' : 'NOT met'}`,
    ].join('\n');
    return {
      report,
      rows: [
        {
          name: `\`GET /\` signed in (My courses panel, ${ENROLLED} courses)`, figures: home, baselines,
          value: `${(ratio * 100).toFixed(1)} % of B`, target: `≥ ${TARGET * 100} % of B`, met: ratio >= TARGET,
        },
        { name: 'reference: `GET /` signed in, no enrollments (empty panel)', figures: empty, baselines },
      ],
    };
  });
}

if (require.main === module) runCli('pages', pagesScenario, 1);
