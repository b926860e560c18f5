// Formatting shared by the benchmarks: the markdown table of figures with each row's ratio to the two
// baselines of the same run, and the machine facts printed above it (load matters on a shared box).
import os from 'node:os';
import type { Baselines } from './baselines';
import type { Figures } from './measure';

export interface Row { name: string; figures: Figures }

export const pct = (part: number, whole: number): string => `${((part / whole) * 100).toFixed(1)}%`;

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The baselines first, then `rows`, each with req/s, latency and its ratios to A and B. */
export function table(baselines: Baselines, rows: Row[]): string {
  const all: Row[] = [
    { name: 'A: bare Koa `{ ok: true }`', figures: baselines.koa },
    { name: 'B: bare Koa + knex/pg `SELECT 1`', figures: baselines.koaSelect1 },
    ...rows,
  ];
  const lines = [
    '| Target | req/s | p50 (ms) | p99 (ms) | mean (ms) | vs A | vs B | server CPU µs/req | other CPU (cores) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...all.map(({ name, figures: f }) =>
      `| ${name} | ${fmt(f.rps)} | ${fmt(f.p50)} | ${fmt(f.p99)} | ${fmt(f.meanLatency, 2)} | ${pct(f.rps, baselines.koa.rps)} | ` +
      `${pct(f.rps, baselines.koaSelect1.rps)} | ${f.serverCpuUs === undefined ? 'n/a' : fmt(f.serverCpuUs)} | ` +
      `${f.otherCores === undefined ? 'n/a' : fmt(f.otherCores, 2)} |`),
  ];
  return lines.join('\n');
}

/** One line per measurement, for progress output and per-round detail. */
export function line(name: string, f: Figures): string {
  const cpu = f.serverCpuUs === undefined ? '' : `, server ${fmt(f.serverCpuUs)} µs/req`;
  const other = f.otherCores === undefined ? '' : `, other ${fmt(f.otherCores, 2)} cores`;
  return `${name}: ${fmt(f.rps)} req/s, p99 ${fmt(f.p99)} ms${cpu}${other}`;
}

export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' / ');
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}
