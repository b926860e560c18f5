// `npm run bench`: every benchmark scenario in one run, on PostgreSQL (DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test; REDIS_URL is only reported, no scenario's server uses Redis),
// in about 10 minutes on a 2-core machine: short measuring windows (BENCH_WARMUP_SECONDS 3,
// BENCH_SECONDS 5, BENCH_ROUNDS 1 unless set) at each scenario's own data sizes, except a smaller data
// set for the certificates scenario, whose target does not depend on it. Baselines A and B are
// measured at the start, and again before a scenario's round when the last pair is over 90 s old. A scenario that fails (a
// refused run, a crash) is recorded with its reason and the run goes on; the process exits non-zero if
// any failed. Writes the generated section at the top of bench/RESULTS.md (or BENCH_RESULTS_FILE) and
// prints it on stdout; progress and server logs go to stderr.
import os from 'node:os';
import path from 'node:path';
import { authScenario } from './auth';
import { benchDatabaseUrl, measureBaselines } from './baselines';
import { certificatesScenario } from './certificates';
import { contentScenario } from './content';
import { coursesScenario } from './courses';
import { httpScenario } from './http';
import { maintenanceBackupScenario } from './maintenance-backup';
import { maintenanceModeScenario } from './maintenance-mode';
import { benchSettings } from './measure';
import { pagesScenario } from './pages';
import { line, loadAverage, machine } from './report';
import { reportingScenario } from './reporting';
import { roundsFromEnv, type Scenario, type ScenarioOptions } from './scenario';
import { benchRedisUrl, postgresVersion, redisVersion } from './services';
import { slowClientsScenario } from './slow-clients';
import { renderSuite, writeSuiteSection, type BaselineMeasurement, type ScenarioOutcome } from './suite-report';
import { writesScenario } from './writes';

const SCENARIOS: { name: string; command: string; run: Scenario }[] = [
  { name: 'HTTP (core route)', command: 'npm run bench:http', run: httpScenario },
  { name: 'Auth', command: 'npm run bench:auth', run: authScenario },
  { name: 'Courses', command: 'npm run bench:courses', run: coursesScenario },
  { name: 'Pages', command: 'npm run bench:pages', run: pagesScenario },
  { name: 'Writes', command: 'npm run bench:writes', run: writesScenario },
  { name: 'Certificates', command: 'npm run bench:certificates', run: certificatesScenario },
  { name: 'Slow clients', command: 'npm run bench:slow-clients', run: slowClientsScenario },
  { name: 'Content', command: 'npm run bench:content', run: contentScenario },
  { name: 'Reporting', command: 'npm run bench:reporting', run: reportingScenario },
  { name: 'Maintenance: backup and restore', command: 'npm run bench:maintenance-backup', run: maintenanceBackupScenario },
  { name: 'Maintenance: mode switched under load', command: 'npm run bench:maintenance-mode', run: maintenanceModeScenario },
];

/**
 * The suite's short windows, no reference routes in the courses scenario (the core's route and auth's
 * /me are scenarios of their own), and the smaller certificates data set (its target is a ratio between two
 * runs on the same data; 40 completers are 44,000 completions, enough for two 8 s runs), unless the
 * environment sets them.
 */
const SUITE_DEFAULTS = {
  BENCH_WARMUP_SECONDS: '3', BENCH_SECONDS: '5', BENCH_ROUNDS: '1', BENCH_REFERENCES: '0',
  BENCH_CERTIFICATES_COURSES: '2000', BENCH_CERTIFICATES_LEARNERS: '1000', BENCH_CERTIFICATES_COMPLETERS: '40',
};

/** A pair of baselines older than this (s) is measured again before a scenario's next round. */
const BASELINE_MAX_AGE_S = 90;

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300);

async function main(): Promise<void> {
  for (const [name, value] of Object.entries(SUITE_DEFAULTS)) process.env[name] ||= value;
  const settings = benchSettings();
  const databaseUrl = benchDatabaseUrl();
  const started = new Date();
  const t0 = performance.now();
  const loadBefore = loadAverage();
  const [postgres, redis] = await Promise.all([postgresVersion(databaseUrl), redisVersion(benchRedisUrl())]);

  // A and B at the start, and again before any scenario's round once the last pair is older than
  // BASELINE_MAX_AGE_S: every ratio is to a pair measured shortly before it, for less than a pair per scenario.
  const measurements: BaselineMeasurement[] = [];
  let current = '(start)';
  const measureNow = async () => {
    progress(`baselines A and B (${settings.warmupSeconds} s warm-up + ${settings.seconds} s each, ${settings.connections} connections), load ${loadAverage()}`);
    const at = (performance.now() - t0) / 1000;
    const pair = await measureBaselines({ ...settings, databaseUrl });
    progress(line('  A', pair.koa));
    progress(line('  B', pair.koaSelect1));
    measurements.push({ at, before: current, baselines: pair });
    return pair;
  };
  await measureNow();
  const options: ScenarioOptions = {
    settings, rounds: roundsFromEnv(1),
    measureBaselines: async () => {
      const last = measurements[measurements.length - 1];
      return (performance.now() - t0) / 1000 - last.at > BASELINE_MAX_AGE_S ? measureNow() : last.baselines;
    },
  };

  const outcomes: ScenarioOutcome[] = [];
  for (const s of SCENARIOS) {
    current = s.name;
    progress(`${s.name} (${s.command}), load ${loadAverage()}`);
    const t = performance.now();
    try {
      const { rows } = await s.run(options);
      outcomes.push({ name: s.name, command: s.command, seconds: (performance.now() - t) / 1000, rows });
    } catch (err) {
      progress(`${s.name} FAILED: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      outcomes.push({ name: s.name, command: s.command, seconds: (performance.now() - t) / 1000, rows: [], error: firstLine(err) });
    }
    progress(`${s.name} done in ${outcomes[outcomes.length - 1].seconds.toFixed(0)} s (${((performance.now() - t0) / 1000).toFixed(0)} s so far)`);
  }

  const section = renderSuite({
    started, seconds: (performance.now() - t0) / 1000, machine: `${machine()}, ${os.cpus().length} cores`,
    postgres: `${postgres} (${new URL(databaseUrl).host})`, redis: `${redis} (${new URL(benchRedisUrl()).host})`,
    loadBefore, loadAfter: loadAverage(),
    settings: `${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured per target, ${options.rounds} round(s), ` +
      `${settings.connections} connections, autocannon → 127.0.0.1, one server process at a time, pg pool max 10`,
    shortened: [
      `measuring windows and rounds: ${settings.warmupSeconds} s + ${settings.seconds} s, ${options.rounds} round(s) (the scenarios' own defaults: 5 s + 10 s, 3 rounds for auth, courses, writes, certificates, content and reporting)`,
      'courses: the three targets only, without its four reference routes (the core\'s greeting and auth\'s `/me` are measured by their own scenarios; the two token-from-memory variants are left out)',
      `certificates: ${process.env.BENCH_CERTIFICATES_COURSES} courses, ${process.env.BENCH_CERTIFICATES_LEARNERS} learners, ${process.env.BENCH_CERTIFICATES_COMPLETERS} completers ` +
        '(its own default: 10,000 / 10,000 / 150); its target compares two runs on the same data',
      'every other data set is the size its targets are defined at (100,000-line import, 10,000 courses / 100,000 enrollments, ' +
        '100,000 learners / 1,000,000 progress rows, 50 MB file)',
    ],
    baselineMaxAge: BASELINE_MAX_AGE_S, baselines: measurements, outcomes,
  });
  const file = process.env.BENCH_RESULTS_FILE || path.join(__dirname, '..', '..', 'bench', 'RESULTS.md');
  writeSuiteSection(file, section);
  process.stdout.write(`${section}\n`);
  progress(`wrote ${file}`);
  if (outcomes.some((o) => o.error !== undefined)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
