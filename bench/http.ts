// `npm run bench:http` (and part of `npm run bench`): Lectern's HTTP throughput against two bare-Koa baselines measured in the same run,
// on PostgreSQL. Targets, one server process at a time, each load-tested from this process:
//   A  bare Koa hello-world                    B  bare Koa + knex/pg `SELECT 1` (the DB-bound ceiling)
//   Lectern `GET /healthz`                     Lectern `GET /api/v1/hello/greetings/1` as a learner with a
//                                              bearer token (identity, validation, cached permission check,
//                                              one-row read)
// Goal: the permission-checked route reaches ≥ 60% of B. Prints a markdown table on stdout (progress and
// server logs go to stderr) and exits by itself. Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
// BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (5), BENCH_CONNECTIONS (50), BENCH_ROUNDS (1: repeat all four
// targets, report medians — steadier on a shared machine), BENCH_PROFILE_DIR (CPU-profile every server
// process into this folder), BENCH_LOG_LEVEL (Lectern log level, default warn).
import crypto from 'node:crypto';
import path from 'node:path';
import { benchDatabaseUrl, measureServer, type Baselines, type Target } from './baselines';
import { median, medianOf, type Figures } from './measure';
import { line, loadAverage, machine, pct, table } from './report';
import { runCli, type ScenarioOptions, type ScenarioResult } from './scenario';
import { inScratchSchema } from './scratch-schema';

const TARGET_RATIO = 0.6;
const lecternScript = path.join(__dirname, 'lectern-server.js');

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

interface Round { baselines: Baselines; healthz: Figures; greeting: Figures }

export async function httpScenario({ settings, rounds: roundCount, measureBaselines }: ScenarioOptions): Promise<ScenarioResult> {
  const databaseUrl = benchDatabaseUrl();
  const logLevel = process.env.BENCH_LOG_LEVEL || 'warn';
  const loadBefore = loadAverage();
  const started = new Date();

  const token = crypto.randomBytes(24).toString('base64url');
  return inScratchSchema(databaseUrl, 'bench', async ({ schema, serverVersion: pgVersion }) => {
    const lectern = (target: Target | ((info: Record<string, unknown>) => Target)): Promise<Figures> =>
      measureServer(lecternScript, target, {
        fork: { env: { DATABASE_URL: databaseUrl, BENCH_SCHEMA: schema, BENCH_TOKEN: token, BENCH_LOG_LEVEL: logLevel } },
        measure: settings,
      });

    const done: Round[] = [];
    for (let r = 1; r <= roundCount; r++) {
      const label = roundCount > 1 ? `round ${r}/${roundCount}: ` : '';
      progress(`${label}baselines A and B (${settings.warmupSeconds} s warm-up + ${settings.seconds} s each, ${settings.connections} connections), load ${loadAverage()}`);
      const baselines = await measureBaselines();
      progress(line('  A', baselines.koa));
      progress(line('  B', baselines.koaSelect1));
      progress(`${label}Lectern GET /healthz`);
      const healthz = await lectern({ path: '/healthz', check: (body) => body === '{"status":"ok"}' });
      progress(line('  /healthz', healthz));
      progress(`${label}Lectern GET /api/v1/hello/greetings/1 (bearer token, hello:read)`);
      const greeting = await lectern((info) => {
        if (info.greetingId !== '1') throw new Error(`expected the seeded greeting to be id 1, got ${String(info.greetingId)}`);
        return {
          path: '/api/v1/hello/greetings/1',
          headers: { authorization: `Bearer ${token}` },
          check: (body) => (JSON.parse(body) as { id?: unknown }).id === '1',
        };
      });
      progress(line('  route', greeting));
      done.push({ baselines, healthz, greeting });
      progress(`${label}route ÷ B = ${pct(greeting.rps, baselines.koaSelect1.rps)}`);
    }

    const baselines: Baselines = {
      koa: median(done.map((d) => d.baselines.koa)), koaSelect1: median(done.map((d) => d.baselines.koaSelect1)),
    };
    const healthz = median(done.map((d) => d.healthz));
    const greeting = median(done.map((d) => d.greeting));
    // The verdict uses each round's own ratio (figures measured minutes apart share the machine's load).
    const ratios = done.map((d) => d.greeting.rps / d.baselines.koaSelect1.rps);
    const ratio = medianOf(ratios);

    const out = [
      '# Lectern HTTP benchmark',
      '',
      `- Run: ${started.toISOString()}, ${roundCount} round(s) of ${settings.warmupSeconds} s warm-up + ${settings.seconds} s per target` +
        `${roundCount > 1 ? ' (figures are medians over rounds)' : ''}, ${settings.connections} connections, autocannon → 127.0.0.1, one server process at a time`,
      `- Machine: ${machine()}`,
      `- Load average (1/5/15 min): ${loadBefore} before, ${loadAverage()} after (the benchmark itself keeps ~2–3 busy)`,
      `- Database: PostgreSQL ${pgVersion} (${new URL(databaseUrl).host}), Lectern in a fresh schema dropped after the run; pg pool max 10 everywhere`,
      `- Lectern: log level ${logLevel}, plugins: hello (example), identity: bearer-token provider passed to App.create, job workers off (HTTP only)`,
      '',
      table(baselines, [
        { name: 'Lectern `GET /healthz`', figures: healthz },
        { name: 'Lectern `GET /api/v1/hello/greetings/1` (token, hello:read, 1 row)', figures: greeting },
      ]),
      '',
      `Permission-checked route: ${(ratio * 100).toFixed(1)}% of baseline B (target ≥ ${TARGET_RATIO * 100}%): ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}.` +
        (roundCount > 1 ? ` Per round: ${ratios.map((x) => `${(x * 100).toFixed(1)}%`).join(', ')}.` : ''),
      `Lectern /healthz: ${pct(healthz.rps, baselines.koaSelect1.rps)} of B, ${pct(healthz.rps, baselines.koa.rps)} of A.`,
    ];
    return {
      report: out.join('\n'),
      rows: [
        { name: 'Lectern `GET /healthz` (reference)', figures: healthz, baselines },
        {
          name: 'Lectern `GET /api/v1/hello/greetings/1` (token, hello:read, 1 row)', figures: greeting, baselines,
          value: `${(ratio * 100).toFixed(1)} % of B`, target: `≥ ${TARGET_RATIO * 100} % of B`, met: ratio >= TARGET_RATIO,
        },
      ],
    };
  });
}

if (require.main === module) runCli('http', httpScenario, 1);
