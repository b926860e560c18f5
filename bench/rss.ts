// A server process's resident memory, read from /proc (Linux): now, its peak since it started (VmHWM),
// and its peak while some work runs (sampled every 20 ms), for the benchmarks that hold memory to a
// target while streaming and for every server's figures.
import fs from 'node:fs';

function statusMb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
}

export function rssMb(pid: number): number {
  return statusMb(pid, 'VmRSS');
}

/** The process's peak RSS since it started, MB; undefined where /proc cannot tell (not Linux, process gone). */
export function peakRssMb(pid: number): number | undefined {
  try {
    const mb = statusMb(pid, 'VmHWM');
    return Number.isNaN(mb) ? undefined : mb;
  } catch {
    return undefined;
  }
}

/** The process's RSS before `work` and its peak while `work` runs, in MB. */
export async function rssDuring(pid: number, work: () => Promise<void>): Promise<{ before: number; peak: number }> {
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // The process is gone: `work` fails on its own, a sampler must not crash the run.
    }
  }, 20);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return { before, peak: Math.max(peak, rssMb(pid)) };
}
