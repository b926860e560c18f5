// `npm run bench:maintenance-mode` (and part of `npm run bench`): maintenance mode switched on and off every 500 ms by an administrator
// while callers keep asking for a cheap authenticated route (GET /api/v1/me). It shows that the request
// guard reads the mode from memory and that a switch never breaks a request:
//   (a) an administrator (maintenance:bypass) keeps its throughput with no 5xx — compared with a run
//       without switching;
//   (b) a learner's answers are only 200 (mode off) or 503 (mode on), never a 500 or anything else.
// The server (courses-server.ts with auth, courses and maintenance) runs in its own process on PostgreSQL
// (DATABASE_URL, default the local test database), in a throwaway schema. Real API tokens. Env:
// BENCH_SECONDS (per run), BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS (see measure.ts).
import path from 'node:path';
import autocannon from 'autocannon';
import { SYSTEM } from '../core';
import { benchDatabaseUrl } from './baselines';
import type { BenchSettings } from './measure';
import { loadAverage, machine } from './report';
import { coursesApp } from './courses-server';
import { forkServer } from './process';
import { runCli, type ScenarioOptions, type ScenarioResult } from './scenario';
import { peakRssMb } from './rss';
import { inScratchSchema } from './scratch-schema';
import { hashPassword } from '../plugins/auth/passwords';

const PLUGINS = 'auth,courses,maintenance';
const PASSWORD = 'bench password 1';
const TOGGLE_MS = 500;
const ROUTE = '/api/v1/me';
const serverScript = path.join(__dirname, 'courses-server.js');
const progress = (msg: string) => process.stderr.write(`[bench:maintenance-mode] ${msg}\n`);

interface Run { rps: number; p50: number; p99: number; meanLatency: number; statuses: Record<string, number>; errors: number; timeouts: number }
interface Toggles { sent: number; failed: Record<string, number> }

/** An administrator and a learner with passwords, in the migrated schema. */
async function prepare(databaseUrl: string, schema: string): Promise<void> {
  const { app, cleanup } = await coursesApp(databaseUrl, schema, PLUGINS.split(','));
  try {
    await app.start();
    const hash = await hashPassword(PASSWORD);
    const [admin] = await app.database.knex('auth_users').insert([
      { email: 'admin@bench.test', name: 'Admin', password_hash: hash }, { email: 'learner@bench.test', name: 'Learner', password_hash: hash },
    ]).returning('id');
    await app.permissions.assign(String(admin.id), 'admin', SYSTEM);
  } finally {
    await app.stop();
    cleanup();
  }
}

async function token(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD, name: 'bench' }),
  });
  if (res.status !== 201) throw new Error(`token for ${email}: ${res.status} ${await res.text()}`);
  return `Bearer ${((await res.json()) as { token: string }).token}`;
}

/** Switches the mode on and off every TOGGLE_MS until `stop` is called; ends switched off. */
function toggling(url: string, adminAuth: string): { stop(): Promise<Toggles> } {
  const result: Toggles = { sent: 0, failed: {} };
  let running = true;
  const put = async (enabled: boolean) => {
    const res = await fetch(`${url}/api/v1/system/maintenance`, {
      method: 'PUT', headers: { authorization: adminAuth, 'content-type': 'application/json' },
      body: JSON.stringify(enabled ? { enabled, message: 'Benchmark maintenance.' } : { enabled }),
    });
    await res.arrayBuffer();
    result.sent += 1;
    if (res.status !== 200) result.failed[res.status] = (result.failed[res.status] ?? 0) + 1;
  };
  const loop = (async () => {
    for (let on = true; running; on = !on) {
      await put(on);
      await new Promise((r) => setTimeout(r, TOGGLE_MS));
    }
    await put(false);
  })();
  return { async stop() { running = false; await loop; return result; } };
}

async function load(url: string, auth: string, s: BenchSettings, seconds: number): Promise<Run> {
  const r = await autocannon({ url: `${url}${ROUTE}`, connections: s.connections, duration: seconds, headers: { authorization: auth }, pipelining: 1, timeout: 10 });
  const statuses = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, stat]) => [code, Number(stat?.count ?? 0)]));
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, meanLatency: r.latency.average, statuses, errors: r.errors, timeouts: r.timeouts };
}

export async function maintenanceModeScenario({ settings }: ScenarioOptions): Promise<ScenarioResult> {
  const databaseUrl = benchDatabaseUrl();
  const started = new Date();
  const loadBefore = loadAverage();
  return inScratchSchema(databaseUrl, 'bench_mmode', async ({ schema, serverVersion }) => {
    await prepare(databaseUrl, schema);
    const server = await forkServer(serverScript, {
      env: { DATABASE_URL: databaseUrl, BENCH_SCHEMA: schema, BENCH_LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'warn', BENCH_PLUGINS: PLUGINS },
    });
    try {
      const [admin, learner] = [await token(server.url, 'admin@bench.test'), await token(server.url, 'learner@bench.test')];
      if (settings.warmupSeconds > 0) await load(server.url, admin, settings, settings.warmupSeconds);
      const steady = await load(server.url, admin, settings, settings.seconds);
      progress(`admin, mode off: ${steady.rps.toFixed(0)} req/s`);
      let toggler = toggling(server.url, admin);
      const bypass = await load(server.url, admin, settings, settings.seconds);
      const adminToggles = await toggler.stop();
      progress(`admin while switching: ${bypass.rps.toFixed(0)} req/s`);
      toggler = toggling(server.url, admin);
      const refused = await load(server.url, learner, settings, settings.seconds);
      const learnerToggles = await toggler.stop();
      progress(`learner while switching: ${JSON.stringify(refused.statuses)}`);

      const fivexx = (r: Run) => Object.entries(r.statuses).filter(([code]) => code.startsWith('5')).reduce((n, [, c]) => n + c, 0);
      const others = Object.entries(refused.statuses).filter(([code]) => code !== '200' && code !== '503');
      const adminOk = fivexx(bypass) === 0 && bypass.errors === 0 && bypass.timeouts === 0 && Object.keys(bypass.statuses).every((c) => c === '200');
      const learnerOk = others.length === 0 && refused.errors === 0 && refused.timeouts === 0 && (refused.statuses['503'] ?? 0) > 0 && (refused.statuses['200'] ?? 0) > 0;
      const togglesOk = !Object.keys(adminToggles.failed).length && !Object.keys(learnerToggles.failed).length;
      const codes = (r: Run) => Object.entries(r.statuses).map(([code, n]) => `${code}: ${n}`).join(', ');
      const peak = peakRssMb(server.pid);
      const figures = (r: Run) => ({ rps: r.rps, p50: r.p50, p99: r.p99, meanLatency: r.meanLatency, total: Object.values(r.statuses).reduce((a, b) => a + b, 0), peakRssMb: peak });
      const report = [
        `- Run: ${started.toISOString()}, ${settings.warmupSeconds} s warm-up, then ${settings.seconds} s per run, ${settings.connections} connections, GET ${ROUTE} with an API token`,
        `- Machine: ${machine()}; load average ${loadBefore} before, ${loadAverage()} after; PostgreSQL ${serverVersion}`,
        `- Switching: PUT /api/v1/system/maintenance as the administrator every ${TOGGLE_MS} ms; ${adminToggles.sent + learnerToggles.sent} switches, failed: ${togglesOk ? 'none' : JSON.stringify({ ...adminToggles.failed, ...learnerToggles.failed })}`,
        '',
        '| run | req/s | p99 | answers |',
        '|---|---|---|---|',
        `| administrator, mode off | ${steady.rps.toFixed(0)} | ${steady.p99} ms | ${codes(steady)} |`,
        `| administrator (bypass), switching | ${bypass.rps.toFixed(0)} | ${bypass.p99} ms | ${codes(bypass)} |`,
        `| learner, switching | ${refused.rps.toFixed(0)} | ${refused.p99} ms | ${codes(refused)} |`,
        '',
        `- (a) The administrator while switching: ${(100 * bypass.rps / steady.rps).toFixed(1)} % of the throughput without switching, ${fivexx(bypass)} 5xx: **${adminOk ? 'MET' : 'NOT MET'}**`,
        `- (b) The learner's answers only 200 or 503 (both seen): **${learnerOk ? 'MET' : 'NOT MET'}**`,
      ].join('\n');
      return {
        report,
        rows: [
          { name: '`GET /api/v1/me`, administrator, mode off (reference)', figures: figures(steady) },
          {
            name: '`GET /api/v1/me`, administrator (bypass) while the mode is switched every 500 ms', figures: figures(bypass),
            value: `${(100 * bypass.rps / steady.rps).toFixed(1)} % of mode off; ${codes(bypass)}`, target: 'no 5xx, every switch answered 200', met: adminOk && togglesOk,
          },
          {
            name: '`GET /api/v1/me`, learner while the mode is switched', figures: figures(refused),
            value: codes(refused), target: 'only 200 or 503 (both seen)', met: learnerOk,
          },
        ],
      };
    } finally {
      await server.stop();
    }
  });
}

if (require.main === module) runCli('maintenance-mode', maintenanceModeScenario, 1, true);
