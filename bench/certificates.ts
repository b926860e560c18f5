// `npm run bench:certificates` (and part of `npm run bench`): what a durable subscriber costs the request that causes it. Every
// measured request completes a course (the learner's last required item), so every one emits
// courses.courseCompleted; with the certificates plugin enabled, each also writes that plugin's durable
// delivery (a job row) in the completing transaction. The same requests are measured against the same
// data with and without the plugin, alternating, in one run:
//   with certificates ≥ 80 % of the req/s without it (median of the rounds' own ratios)
// Data: the courses benchmark's data set (courses-seed.ts; size: see dataSet()) with completers whose
// 1,100 enrollments each lack one required item. Real API tokens; job workers off (deliveries are written, not run: the
// point is the request's cost; a certificate is issued and rendered by a worker elsewhere). PostgreSQL
// (DATABASE_URL, default the local test database), inline job driver. Env as bench/courses.ts.
import path from 'node:path';
import type { Knex } from 'knex';
import { benchDatabaseUrl } from './baselines';
import { median, medianOf } from './measure';
import { loadAverage, machine } from './report';
import { coursesApp } from './courses-server';
import { seed, COURSES } from './courses-seed';
import { measureVariedServer, type Varied, type VariedFigures } from './courses-load';
import { runCli, type ScenarioOptions, type ScenarioResult } from './scenario';
import { inScratchSchema } from './scratch-schema';
import { hashPassword } from '../plugins/auth/passwords';

const PASSWORD = 'bench password 1';
function positiveInt(name: string, fallback: number): number {
  const n = Number(process.env[name] || String(fallback));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be an integer ≥ 1, got "${process.env[name]}"`);
  return n;
}

/**
 * The data set: BENCH_CERTIFICATES_COMPLETERS (150) completers with 1,100 completions each, among
 * BENCH_CERTIFICATES_COURSES (10,000) courses and BENCH_CERTIFICATES_LEARNERS (10,000) other learners.
 * The target is a ratio between two runs on the same data, so `npm run bench` takes a smaller set.
 */
const dataSet = () => ({
  completers: positiveInt('BENCH_CERTIFICATES_COMPLETERS', 150),
  size: { courses: positiveInt('BENCH_CERTIFICATES_COURSES', COURSES), learners: positiveInt('BENCH_CERTIFICATES_LEARNERS', 10_000) },
});
const TARGET = 0.8;
const serverScript = path.join(__dirname, 'courses-server.js');
const progress = (msg: string) => process.stderr.write(`[bench:certificates] ${msg}\n`);
const WITH = 'auth,courses,certificates';
const WITHOUT = 'auth,courses';

/** Leaves each completer enrollment one required item short of completion; returns that item per enrollment. */
async function lastItems(db: Knex, completers: string[]): Promise<{ email: string; course_id: number; item_id: number }[]> {
  // Set-based, once per course: a correlated max() per progress row takes minutes at this size.
  const mine = `mine as (select e.id, e.course_id, u.email from courses_enrollments e join auth_users u on u.id = e.user_id where u.email = any(?)),
    last as (select course_id, max(position) as position from courses_items where required group by course_id)`;
  return db.transaction(async (trx) => {
    await trx.raw(`with ${mine} insert into courses_progress (enrollment_id, cycle, item_id, completed_at)
      select m.id, 1, i.id, now() - interval '1 hour' from mine m join last l on l.course_id = m.course_id
      join courses_items i on i.course_id = m.course_id and i.required and i.position < l.position`, [completers]);
    await trx.raw(`with ${mine} update courses_enrollments e set items_done = p.n, required_done = p.n
      from (select enrollment_id, count(*)::int as n from courses_progress where enrollment_id in (select id from mine) group by 1) p
      where p.enrollment_id = e.id`, [completers]);
    const { rows } = await trx.raw(`with ${mine} select m.email, m.course_id, i.id as item_id from mine m join last l on l.course_id = m.course_id
      join courses_items i on i.course_id = m.course_id and i.required and i.position = l.position order by m.id`, [completers]);
    return rows;
  });
}

async function prepare(databaseUrl: string, schema: string) {
  const { app, cleanup } = await coursesApp(databaseUrl, schema, WITH.split(','));
  try {
    await app.start();
    const { completers, size } = dataSet();
    const seeded = await seed(app.database.knex, await hashPassword(PASSWORD), completers, size);
    const todo = await lastItems(app.database.knex, seeded.completers);
    for (const table of ['courses_enrollments', 'courses_progress', 'core_role_assignments', 'auth_users']) await app.database.knex.raw('vacuum analyze ??', [table]);
    progress(`seeded; ${todo.length} course completions available`);
    const { port } = await app.listen(0, '127.0.0.1');
    const tokens = new Map<string, string>();
    for (const email of seeded.completers) {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/tokens`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD, name: 'bench' }),
      });
      if (res.status !== 201) throw new Error(`token for ${email}: ${res.status} ${await res.text()}`);
      tokens.set(email, `Bearer ${((await res.json()) as { token: string }).token}`);
    }
    // Interleave completers so consecutive requests never wait on one learner's row.
    const byCompleter = seeded.completers.map((email) => todo.filter((t) => t.email === email));
    const interleaved = byCompleter[0].flatMap((_, i) => byCompleter.map((list) => list[i]).filter(Boolean));
    return interleaved.map((t) => ({
      method: 'POST' as const, path: `/api/v1/courses/${t.course_id}/items/${t.item_id}/complete`,
      headers: { authorization: tokens.get(t.email) as string, 'content-type': 'application/json' }, body: '{}',
    }));
  } finally {
    await app.stop();
    cleanup();
  }
}

export async function certificatesScenario({ settings, rounds }: ScenarioOptions): Promise<ScenarioResult> {
  const databaseUrl = benchDatabaseUrl();
  const started = new Date();
  const loadBefore = loadAverage();
  return inScratchSchema(databaseUrl, 'bench_certificates', async ({ schema, serverVersion }) => {
    const requests = await prepare(databaseUrl, schema);
    let next = 0;
    const take = (): Varied => {
      if (next >= requests.length) throw new Error('ran out of course completions; lower BENCH_SECONDS or BENCH_ROUNDS');
      return requests[next++];
    };
    const run = (plugins: string) => measureVariedServer(serverScript, {
      env: { DATABASE_URL: databaseUrl, BENCH_SCHEMA: schema, BENCH_LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'warn', BENCH_PLUGINS: plugins },
    }, settings, take);
    const measured: { without: VariedFigures; with: VariedFigures }[] = [];
    for (let r = 1; r <= rounds; r++) {
      // Alternate which goes first, so a drifting machine favours neither.
      const first = r % 2 === 1 ? WITHOUT : WITH;
      const a = await run(first);
      const b = await run(first === WITH ? WITHOUT : WITH);
      const round = first === WITH ? { with: a, without: b } : { without: a, with: b };
      measured.push(round);
      progress(`round ${r}: without ${round.without.rps.toFixed(0)} req/s (p99 ${round.without.p99} ms), with ${round.with.rps.toFixed(0)} req/s (p99 ${round.with.p99} ms)`);
    }
    const ratios = measured.map((m) => m.with.rps / m.without.rps);
    const ratio = medianOf(ratios);
    const fresh = measured.flatMap((m) => [m.with, m.without]).every((f) => Object.keys(f.statuses).every((code) => code === '201'));
    const deliveries = Number((await countDeliveries(databaseUrl, schema)));
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    const report = [
      `- Run: ${started.toISOString()}, ${rounds} round(s) of ${settings.warmupSeconds} s warm-up + ${settings.seconds} s per variant, ${settings.connections} connections, alternating order`,
      `- Machine: ${machine()}; load average ${loadBefore} before, ${loadAverage()} after; PostgreSQL ${serverVersion}, inline job driver, workers off`,
      `- Data: ${dataSet().size.courses.toLocaleString('en-US')} courses, ${dataSet().size.learners.toLocaleString('en-US')} learners with 10 enrollments each, ${requests.length.toLocaleString('en-US')} course completions available`,
      `- Every measured answer a 201 that completed a course: ${fresh ? 'yes' : 'NO'}; durable deliveries written while certificates was enabled: ${deliveries}`,
      '',
      '| round | without certificates | with certificates (durable subscriber) | ratio |',
      '|---|---|---|---|',
      ...measured.map((m, i) => `| ${i + 1} | ${m.without.rps.toFixed(0)} req/s, p99 ${m.without.p99} ms | ${m.with.rps.toFixed(0)} req/s, p99 ${m.with.p99} ms | ${pct(ratios[i])} |`),
      '',
      `- Course completion with the certificates plugin's durable subscriber: **${pct(ratio)}** of the throughput without it (target ≥ ${pct(TARGET)}): **${ratio >= TARGET && fresh ? 'MET' : 'NOT MET'}**`,
    ].join('\n');
    return {
      report,
      rows: [
        { name: 'Complete a course (last required item), auth + courses', figures: median(measured.map((m) => m.without)) },
        {
          name: 'Complete a course, with the certificates plugin (durable subscriber)', figures: median(measured.map((m) => m.with)),
          value: `${pct(ratio)} of without`, target: `≥ ${pct(TARGET)} of without, every answer a 201`, met: ratio >= TARGET && fresh,
        },
      ],
    };
  });
}

async function countDeliveries(databaseUrl: string, schema: string): Promise<number> {
  const { default: knexFactory } = await import('knex');
  const db = knexFactory({ client: 'pg', connection: databaseUrl, searchPath: [schema] });
  try {
    const row = await db('core_jobs').where('name', 'like', 'certificates.on.%').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  } finally {
    await db.destroy();
  }
}

if (require.main === module) runCli('certificates', certificatesScenario, 3);
