// The courses benchmark's report: the run's facts, the median table against the baselines (see
// report.ts), and one verdict line per target with each round's own ratio to baseline B and p99; and
// the same verdicts as result rows for the suite.
import { median, medianOf, type Figures } from './measure';
import { table } from './report';
import type { Baselines } from './baselines';
import type { ResultRow } from './scenario';

export interface Round {
  baselines: Baselines; catalog: Figures; mine: Figures; complete: Figures & { statuses: Record<string, number> };
  /** Reference routes (left out with BENCH_REFERENCES=0): the core's and auth's, and the catalog and my courses with the learner's token resolved from memory (no token query). */
  greeting?: Figures; me?: Figures; catalogMemory?: Figures; mineMemory?: Figures;
}
/** A measured route; without `minRatio` it is a reference, reported without a verdict. */
export interface Target { name: string; row: string; pick: (r: Round) => Figures | undefined; minRatio?: number; maxP99?: number }

/** The target's figures in a round; only called for targets every round measured (see `measuredIn`). */
function figuresOf(t: Target, r: Round): Figures {
  const f = t.pick(r);
  if (!f) throw new Error(`${t.name} was not measured`);
  return f;
}

const measuredIn = (rounds: Round[], targets: Target[]) => targets.filter((t) => rounds.every((r) => t.pick(r) !== undefined));

const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

function judge(rounds: Round[], t: Target) {
  const ratios = rounds.map((r) => figuresOf(t, r).rps / r.baselines.koaSelect1.rps);
  const ratio = medianOf(ratios);
  const p99 = medianOf(rounds.map((r) => figuresOf(t, r).p99));
  const met = t.minRatio !== undefined && ratio >= t.minRatio && (t.maxP99 === undefined || p99 <= t.maxP99);
  return { ratios, ratio, p99, met };
}

function verdict(rounds: Round[], t: Target): string {
  const { ratios, ratio, p99, met } = judge(rounds, t);
  const perRound = `per round ${ratios.map(percent).join(', ')}`;
  if (t.minRatio === undefined) return `- ${t.name} (reference): ${percent(ratio)} of B (${perRound}); p99 ${p99.toFixed(0)} ms`;
  const latency = t.maxP99 === undefined ? '' : `; p99 ${p99.toFixed(0)} ms (per round ${rounds.map((r) => figuresOf(t, r).p99.toFixed(0)).join(', ')}; target ≤ ${t.maxP99} ms)`;
  return `- ${t.name}: **${percent(ratio)}** of B (${perRound}; target ≥ ${percent(t.minRatio)})${latency}: **${met ? 'MET' : 'NOT MET'}**`;
}

export function coursesReport(rounds: Round[], all: Target[], facts: string[]): string {
  const targets = measuredIn(rounds, all);
  const answers = rounds.flatMap((r) => Object.entries(r.complete.statuses));
  const count = (code?: string) => answers.filter(([c]) => !code || c === code).reduce((n, [, k]) => n + k, 0);
  return [
    ...facts.map((f) => `- ${f}`),
    `- POST target: ${count('201')} of ${count()} measured answers were 201 (recorded now), the rest 200 (already recorded)`,
    '',
    table({ koa: median(rounds.map((r) => r.baselines.koa)), koaSelect1: median(rounds.map((r) => r.baselines.koaSelect1)) },
      targets.map((t) => ({ name: t.row, figures: median(rounds.map((r) => figuresOf(t, r))) }))),
    '',
    ...targets.map((t) => verdict(rounds, t)),
  ].join('\n');
}

/** One row per target: median figures and baselines, and the verdict (none for references). */
export function coursesRows(rounds: Round[], targets: Target[]): ResultRow[] {
  const baselines = { koa: median(rounds.map((r) => r.baselines.koa)), koaSelect1: median(rounds.map((r) => r.baselines.koaSelect1)) };
  return measuredIn(rounds, targets).map((t) => {
    const { ratio, met } = judge(rounds, t);
    const row: ResultRow = { name: t.minRatio === undefined ? t.row : `${t.name}: ${t.row}`, figures: median(rounds.map((r) => figuresOf(t, r))), baselines };
    if (t.minRatio === undefined) return row;
    const latency = t.maxP99 === undefined ? '' : `, p99 ≤ ${t.maxP99} ms`;
    return { ...row, value: `${percent(ratio)} of B`, target: `≥ ${percent(t.minRatio)} of B${latency}`, met };
  });
}
