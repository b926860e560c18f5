// Load generation shared by every benchmark: one autocannon run against a loopback URL, after a
// discarded warm-up, bounded in time, with settings taken from BENCH_SECONDS / BENCH_WARMUP_SECONDS /
// BENCH_CONNECTIONS. A run with any error or non-2xx answer is refused: its throughput means nothing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import autocannon from 'autocannon';
import { peakRssMb } from './rss';

export interface BenchSettings {
  /** Measured seconds per target (BENCH_SECONDS, default 10). */
  seconds: number;
  /** Discarded warm-up seconds per target (BENCH_WARMUP_SECONDS, default 5: the Lectern route's JIT needs ~3 s). */
  warmupSeconds: number;
  /** Concurrent keep-alive connections (BENCH_CONNECTIONS, default 50). */
  connections: number;
}

export interface Figures {
  /** Mean of the per-second request counts. */
  rps: number;
  /** Median latency, ms. */
  p50: number;
  /** 99th percentile latency, ms. */
  p99: number;
  /** Mean latency, ms. */
  meanLatency: number;
  /** Requests answered during the measured window. */
  total: number;
  /**
   * CPU time (user + system) the server process spent per request, µs, when its pid was given and
   * /proc is readable. Less sensitive to other load on the machine than req/s; excludes PostgreSQL's CPU.
   */
  serverCpuUs?: number;
  /**
   * Cores kept busy during the measured window by everything except the server and the load generator
   * (Linux): PostgreSQL's share of the work, plus whatever else runs on the machine. Read it across
   * rounds of the same target: a jump means other load.
   */
  otherCores?: number;
  /** The server process's peak RSS since it started (VmHWM), MB, read after the measured run (Linux). */
  peakRssMb?: number;
}

export interface MeasureOptions extends Partial<BenchSettings> {
  headers?: Record<string, string>;
  /** The server's pid, to report its CPU time per request (Linux). */
  pid?: number;
}

function positiveInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

export function benchSettings(): BenchSettings {
  return {
    seconds: positiveInt('BENCH_SECONDS', 10, 1),
    warmupSeconds: positiveInt('BENCH_WARMUP_SECONDS', 5, 0),
    connections: positiveInt('BENCH_CONNECTIONS', 50, 1),
  };
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== '[::1]' && host !== 'localhost') throw new Error(`benchmarks only target loopback, not ${host}`);
}

let ticksPerSecond: number | undefined;

/** utime + stime of a process in seconds, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** Busy core-seconds of the whole machine since boot, from /proc/stat (Linux); undefined elsewhere. */
function machineBusySeconds(): number | undefined {
  try {
    const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already counted in user).
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return (total - ticks[3] - ticks[4]) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

interface CpuSnapshot { wall: number; machine?: number; server?: number; self: number }

function snapshot(pid: number | undefined): CpuSnapshot {
  const own = process.cpuUsage();
  return {
    wall: performance.now() / 1000,
    machine: machineBusySeconds(),
    server: pid === undefined ? undefined : cpuSeconds(pid),
    self: (own.user + own.system) / 1e6,
  };
}

export function medianOf(values: number[]): number {
  if (!values.length) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const m = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/** Median of each figure over several runs of one target. */
export function median(runs: Figures[]): Figures {
  const mid = medianOf;
  const optional = (values: (number | undefined)[]) => {
    const known = values.filter((v): v is number => v !== undefined);
    return known.length === values.length ? mid(known) : undefined;
  };
  return {
    rps: mid(runs.map((r) => r.rps)), p50: mid(runs.map((r) => r.p50)), p99: mid(runs.map((r) => r.p99)), meanLatency: mid(runs.map((r) => r.meanLatency)),
    total: mid(runs.map((r) => r.total)), serverCpuUs: optional(runs.map((r) => r.serverCpuUs)),
    otherCores: optional(runs.map((r) => r.otherCores)), peakRssMb: optional(runs.map((r) => r.peakRssMb)),
  };
}

async function run(url: string, seconds: number, connections: number, headers: Record<string, string>): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: seconds, headers, pipelining: 1, timeout: 10 });
}

/** Warm-up (discarded), then the measured run. Throws if any request failed or answered non-2xx. */
export async function measure(url: string, opts: MeasureOptions = {}): Promise<Figures> {
  assertLoopback(url);
  const s = { ...benchSettings(), ...opts };
  const headers = opts.headers ?? {};
  if (s.warmupSeconds > 0) await run(url, s.warmupSeconds, s.connections, headers);
  const before = snapshot(opts.pid);
  const r = await run(url, s.seconds, s.connections, headers);
  const after = snapshot(opts.pid);
  if (r.errors > 0 || r.timeouts > 0 || r.non2xx > 0 || r['2xx'] === 0) {
    const codes = JSON.stringify(r.statusCodeStats ?? {});
    throw new Error(`${url}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx (status codes ${codes}); figures discarded`);
  }
  const server = before.server !== undefined && after.server !== undefined ? after.server - before.server : undefined;
  const machine = before.machine !== undefined && after.machine !== undefined ? after.machine - before.machine : undefined;
  const serverCpuUs = server === undefined ? undefined : (server * 1e6) / r['2xx'];
  const otherCores = server === undefined || machine === undefined ? undefined
    : Math.max(0, machine - server - (after.self - before.self)) / (after.wall - before.wall);
  return {
    rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, meanLatency: r.latency.average, total: r['2xx'], serverCpuUs, otherCores,
    peakRssMb: opts.pid === undefined ? undefined : peakRssMb(opts.pid),
  };
}

/** One request before measuring, so a wrong answer (401, 404…) is caught instead of benchmarked. */
export async function expectOk(url: string, headers: Record<string, string> = {}, check?: (body: string) => boolean): Promise<void> {
  const res = await fetch(url, { headers });
  const body = await res.text();
  if (res.status !== 200 || (check && !check(body))) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 300)}`);
}
