// Load generation shared by every benchmark: one autocannon run against a loopback URL, after a
// discarded warm-up, bounded in time, with settings taken from BENCH_SECONDS / BENCH_WARMUP_SECONDS /
// BENCH_CONNECTIONS. A run with any error or non-2xx answer is refused: its throughput means nothing.
import autocannon from 'autocannon';

export interface BenchSettings {
  /** Measured seconds per target (BENCH_SECONDS, default 10). */
  seconds: number;
  /** Discarded warm-up seconds per target (BENCH_WARMUP_SECONDS, default 2). */
  warmupSeconds: number;
  /** Concurrent keep-alive connections (BENCH_CONNECTIONS, default 50). */
  connections: number;
}

export interface Figures {
  /** Mean of the per-second request counts. */
  rps: number;
  /** 99th percentile latency, ms. */
  p99: number;
  /** Mean latency, ms. */
  meanLatency: number;
  /** Requests answered during the measured window. */
  total: number;
}

export interface MeasureOptions extends Partial<BenchSettings> {
  headers?: Record<string, string>;
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
    warmupSeconds: positiveInt('BENCH_WARMUP_SECONDS', 2, 0),
    connections: positiveInt('BENCH_CONNECTIONS', 50, 1),
  };
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== '[::1]' && host !== 'localhost') throw new Error(`benchmarks only target loopback, not ${host}`);
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
  const r = await run(url, s.seconds, s.connections, headers);
  if (r.errors > 0 || r.timeouts > 0 || r.non2xx > 0 || r['2xx'] === 0) {
    const codes = JSON.stringify(r.statusCodeStats ?? {});
    throw new Error(`${url}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx (status codes ${codes}); figures discarded`);
  }
  return { rps: r.requests.average, p99: r.latency.p99, meanLatency: r.latency.average, total: r['2xx'] };
}

/** One request before measuring, so a wrong answer (401, 404…) is caught instead of benchmarked. */
export async function expectOk(url: string, headers: Record<string, string> = {}, check?: (body: string) => boolean): Promise<void> {
  const res = await fetch(url, { headers });
  const body = await res.text();
  if (res.status !== 200 || (check && !check(body))) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 300)}`);
}
