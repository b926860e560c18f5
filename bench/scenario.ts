// What every benchmark scenario is: a function run either by its own `npm run bench:<name>` (which
// prints its markdown report) or by the whole suite (bench/suite.ts, which collects its figures into
// bench/RESULTS.md). A scenario returns its report and one row per figure, each with the target an
// issue set for it and whether this run met it.
import { benchDatabaseUrl, measureBaselines, type Baselines } from './baselines';
import { benchSettings, type BenchSettings, type Figures } from './measure';

export interface ScenarioOptions {
  settings: BenchSettings;
  /** Rounds of the measured targets; verdicts take the median of the rounds' own ratios. */
  rounds: number;
  /** A and B for the round about to be measured: measured now (a scenario's own command), or recently (the suite). */
  measureBaselines: () => Promise<Baselines>;
}

export interface ResultRow {
  /** What was measured. */
  name: string;
  /** Throughput figures (req/s, latency, the server's peak RSS). */
  figures?: Figures;
  /** The A and B the scenario measured nearest to `figures` (medians over its rounds). */
  baselines?: Baselines;
  /** A figure that is not a throughput (a duration, a memory peak, a ratio to another target), as shown. */
  value?: string;
  /** The target an issue set for this figure, and whether the run met it; reference rows have neither. */
  target?: string;
  met?: boolean;
}

export interface ScenarioResult { report: string; rows: ResultRow[] }

export type Scenario = (opts: ScenarioOptions) => Promise<ScenarioResult>;

/** BENCH_ROUNDS, or the scenario's own default. */
export function roundsFromEnv(fallback: number): number {
  const raw = process.env.BENCH_ROUNDS || String(fallback);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_ROUNDS must be an integer ≥ 1, got "${raw}"`);
  return n;
}

/**
 * A scenario's own command: settings from the environment, the report on stdout, exit 1 if it failed
 * (or, with `failWhenNotMet`, if a target was not met).
 */
export function runCli(name: string, scenario: Scenario, defaultRounds: number, failWhenNotMet = false): void {
  Promise.resolve()
    .then(() => {
      const settings = benchSettings();
      return scenario({ settings, rounds: roundsFromEnv(defaultRounds), measureBaselines: () => measureBaselines({ ...settings, databaseUrl: benchDatabaseUrl() }) });
    })
    .then((result) => {
      process.stdout.write(result.report.endsWith('\n') ? result.report : `${result.report}\n`);
      if (failWhenNotMet && result.rows.some((r) => r.met === false)) process.exitCode = 1;
    }, (err: unknown) => {
      process.stderr.write(`[bench:${name}] failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
