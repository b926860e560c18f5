// `npm run bench:courses`: the courses plugin under load on PostgreSQL, with 10,000 courses and 100,000
// enrollments loaded, against the SELECT 1 baseline (B) measured in the same run (see baselines.ts):
//   GET /api/v1/courses?limit=20 as a learner         target ≥ 35 % of B req/s, p99 ≤ 50 ms
//   GET /api/v1/me/courses as that learner            target ≥ 35 % of B req/s, p99 ≤ 50 ms
//   POST /api/v1/courses/:id/items/:itemId/complete   target ≥ 25 % of B req/s (a different item each request)
// Real API tokens from POST /api/v1/auth/tokens; auth and courses plugins; job workers off. Each round
// measures B then the three targets, one server process at a time; the verdict uses each round's own
// ratios (median over rounds). Prints a markdown report on stdout. Env: DATABASE_URL, BENCH_ROUNDS (3),
// BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (5), BENCH_CONNECTIONS (50), BENCH_LOG_LEVEL (warn).
import crypto from 'node:crypto';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { benchDatabaseUrl, measureBaselines, measureServer, type Baselines } from './baselines';
import { benchSettings, median, medianOf, type Figures } from './measure';
import { line, loadAverage, machine, table } from './report';
import { coursesApp } from './courses-server';
import { completions, seed, COURSES, type Completion } from './courses-seed';
import { measureVariedServer, type VariedFigures } from './courses-load';
import { hashPassword } from '../plugins/auth/passwords';

const PASSWORD = 'bench password 1';
const P99_LIMIT_MS = 50;
const TARGETS = { catalog: 0.35, mine: 0.35, complete: 0.25 } as const;
const serverScript = path.join(__dirname, 'courses-server.js');
const progress = (msg: string) => process.stderr.write(`[bench:courses] ${msg}\n`);

interface Round { baselines: Baselines; catalog: Figures; mine: Figures; complete: VariedFigures }

function rounds(): number {
  const n = Number(process.env.BENCH_ROUNDS || '3');
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_ROUNDS must be an integer ≥ 1, got "${process.env.BENCH_ROUNDS}"`);
  return n;
}

/** Migrates and seeds the schema in this process, then takes real tokens over HTTP. */
async function prepare(databaseUrl: string, schema: string, logLevel: string) {
  const { app, cleanup } = await coursesApp(databaseUrl, schema, logLevel);
  try {
    await app.start();
    const started = Date.now();
    const seeded = await seed(app.database.knex, await hashPassword(PASSWORD));
    // The steady state of a live system, where autovacuum has run: statistics and visibility maps.
    for (const table of ['courses_courses', 'courses_items', 'courses_enrollments', 'courses_progress', 'core_contexts', 'core_role_assignments', 'auth_users']) {
      await app.database.knex.raw('vacuum analyze ??', [table]);
    }
    progress(`seeded ${COURSES} courses (${seeded.publishedCourses} open), ${seeded.enrollments} enrollments in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const { port } = await app.listen(0, '127.0.0.1');
    const token = async (email: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/tokens`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD, name: 'bench' }),
      });
      if (res.status !== 201) throw new Error(`POST /api/v1/auth/tokens for ${email} answered ${res.status}: ${await res.text()}`);
      return `Bearer ${((await res.json()) as { token: string }).token}`;
    };
    const learner = await token(seeded.catalogLearner);
    const completers: string[] = [];
    for (const email of seeded.completers) completers.push(await token(email));
    return { seeded, learner, completers, todo: await completions(app.database.knex, seeded.completers) };
  } finally {
    await app.stop();
    cleanup();
  }
}

/** Hands out the completers' items one request at a time, across rounds; wraps around (then 200s) if they run out. */
function completionRequests(todo: Completion[], tokens: string[]) {
  let i = 0;
  return () => {
    const c = todo[i % todo.length];
    i += 1;
    return {
      method: 'POST' as const, path: `/api/v1/courses/${c.courseId}/items/${c.itemId}/complete`,
      headers: { authorization: tokens[c.completer], 'content-type': 'application/json' }, body: '{}',
    };
  };
}

const verdict = (ratio: number, target: number, p99?: number) =>
  (ratio >= target && (p99 === undefined || p99 <= P99_LIMIT_MS) ? 'MET' : 'NOT MET');

async function main(): Promise<void> {
  const settings = benchSettings();
  const roundCount = rounds();
  const databaseUrl = benchDatabaseUrl();
  const logLevel = process.env.BENCH_LOG_LEVEL || 'warn';
  const loadBefore = loadAverage();
  const started = new Date();
  const admin: Knex = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
  const schema = `bench_courses_${crypto.randomBytes(5).toString('hex')}`;
  let schemaCreated = false;
  const dropSchema = async () => {
    if (!schemaCreated) return;
    schemaCreated = false;
    await admin.raw('drop schema if exists ?? cascade', [schema]);
  };
  const onSignal = () => {
    progress('interrupted: dropping the schema');
    dropSchema().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const pgVersion = ((await admin.raw('show server_version')) as { rows: { server_version: string }[] }).rows[0].server_version;
    await admin.raw('create schema ??', [schema]);
    schemaCreated = true;
    const { seeded, learner, completers, todo } = await prepare(databaseUrl, schema, logLevel);
    const fork = { env: { DATABASE_URL: databaseUrl, BENCH_SCHEMA: schema, BENCH_LOG_LEVEL: logLevel } };
    const nextCompletion = completionRequests(todo, completers);
    const get = (target: string, check: (body: string) => boolean) =>
      measureServer(serverScript, { path: target, headers: { authorization: learner }, check }, { fork, measure: settings });
    const itemCount = (n: number) => (body: string) => (JSON.parse(body) as { items: unknown[] }).items.length === n;

    const done: Round[] = [];
    for (let r = 1; r <= roundCount; r++) {
      const label = `round ${r}/${roundCount}:`;
      progress(`${label} baselines A and B, load ${loadAverage()}`);
      const baselines = await measureBaselines({ ...settings, databaseUrl });
      progress(line('  B', baselines.koaSelect1));
      const catalog = await get('/api/v1/courses?limit=20', itemCount(20));
      progress(line('  GET /api/v1/courses?limit=20', catalog));
      const mine = await get('/api/v1/me/courses', itemCount(10));
      progress(line('  GET /api/v1/me/courses', mine));
      const complete = await measureVariedServer(serverScript, fork, settings, nextCompletion);
      progress(`${line('  POST …/items/:itemId/complete', complete)}, statuses ${JSON.stringify(complete.statuses)}`);
      done.push({ baselines, catalog, mine, complete });
    }

    const ratios = (pick: (d: Round) => Figures) => done.map((d) => pick(d).rps / d.baselines.koaSelect1.rps);
    const summary = (name: string, pick: (d: Round) => Figures, target: number, p99Limit: boolean) => {
      const perRound = ratios(pick);
      const ratio = medianOf(perRound);
      const p99 = median(done.map(pick)).p99;
      return `- ${name}: **${(ratio * 100).toFixed(1)} %** of B (per round ${perRound.map((x) => `${(x * 100).toFixed(1)} %`).join(', ')}; target ≥ ${target * 100} %)` +
        `${p99Limit ? `, p99 ${p99.toFixed(0)} ms (target ≤ ${P99_LIMIT_MS} ms)` : ''}: ${verdict(ratio, target, p99Limit ? p99 : undefined)}`;
    };
    const fresh = done.reduce((n, d) => n + (d.complete.statuses['201'] ?? 0), 0);
    const answered = done.reduce((n, d) => n + Object.values(d.complete.statuses).reduce((a, b) => a + b, 0), 0);
    const out = [
      `- Run: ${started.toISOString()}, ${roundCount} round(s) of ${settings.warmupSeconds} s warm-up + ${settings.seconds} s per target, ` +
        `${settings.connections} connections, autocannon → 127.0.0.1, one server process at a time (figures are medians over rounds)`,
      `- Machine: ${machine()}; load average ${loadBefore} before, ${loadAverage()} after`,
      `- Database: PostgreSQL ${pgVersion}, fresh schema dropped after the run; ${COURSES} courses (${seeded.publishedCourses} open to learners), ` +
        `${seeded.enrollments} enrollments with role assignments and progress, pg pool max 10 everywhere`,
      `- Lectern: auth + courses plugins, real bearer tokens (POST /api/v1/auth/tokens), log level ${logLevel}, job workers off`,
      `- POST target: ${todo.length} distinct items to complete; ${fresh} of ${answered} measured answers were 201 (recorded), the rest 200 (already recorded)`,
      '',
      table({ koa: median(done.map((d) => d.baselines.koa)), koaSelect1: median(done.map((d) => d.baselines.koaSelect1)) }, [
        { name: '`GET /api/v1/courses?limit=20` (learner)', figures: median(done.map((d) => d.catalog)) },
        { name: '`GET /api/v1/me/courses` (learner, 10 enrollments)', figures: median(done.map((d) => d.mine)) },
        { name: '`POST /api/v1/courses/:id/items/:itemId/complete`', figures: median(done.map((d) => d.complete)) },
      ]),
      '',
      summary('Catalog', (d) => d.catalog, TARGETS.catalog, true),
      summary('My courses', (d) => d.mine, TARGETS.mine, true),
      summary('Complete an item', (d) => d.complete, TARGETS.complete, false),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await dropSchema().catch((err: unknown) => progress(`could not drop schema ${schema}: ${String(err)}`));
    await admin.destroy();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench:courses] failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
