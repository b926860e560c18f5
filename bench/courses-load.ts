// Load where every request differs: autocannon asks `next()` for each request's method, path, headers
// and body (the POST target completes a different item each time). Same rules as measure.ts: a
// discarded warm-up, then the measured run, refused if any request failed or answered non-2xx.
import autocannon from 'autocannon';
import { forkServer, type ForkOptions } from './process';
import type { BenchSettings, Figures } from './measure';
import { peakRssMb } from './rss';

export interface Varied { method: 'POST' | 'GET'; path: string; headers: Record<string, string>; body?: string }

/** Figures plus how many answers had each 2xx status (201 = recorded now, 200 = already recorded). */
export type VariedFigures = Figures & { statuses: Record<string, number> };

function run(url: string, seconds: number, connections: number, next: () => Varied): Promise<autocannon.Result> {
  return autocannon({
    url, connections, duration: seconds, pipelining: 1, timeout: 10,
    requests: [{ setupRequest: (request) => ({ ...request, ...next() }) }],
  });
}

async function measureVaried(url: string, pid: number, settings: BenchSettings, next: () => Varied): Promise<VariedFigures> {
  if (settings.warmupSeconds > 0) await run(url, settings.warmupSeconds, settings.connections, next);
  const r = await run(url, settings.seconds, settings.connections, next);
  const statuses = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]));
  if (r.errors > 0 || r.timeouts > 0 || r.non2xx > 0 || r['2xx'] === 0) {
    throw new Error(`${url}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx (status codes ${JSON.stringify(statuses)}); figures discarded`);
  }
  return {
    rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, meanLatency: r.latency.average, total: r['2xx'], statuses, peakRssMb: peakRssMb(pid),
  };
}

/** Forks `script`, measures varied requests against it, and stops it (always). */
export async function measureVariedServer(script: string, fork: ForkOptions, settings: BenchSettings, next: () => Varied): Promise<VariedFigures> {
  const server = await forkServer(script, fork);
  try {
    const figures = await measureVaried(server.url, server.pid, settings, next);
    // Let requests still queued for a pool connection finish before the server closes its pool.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return figures;
  } finally {
    await server.stop();
  }
}
