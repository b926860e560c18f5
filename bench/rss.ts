// A server process's resident memory, read from /proc (Linux): now, and its peak while some work runs
// (sampled every 20 ms), for the benchmarks that hold memory to a target while streaming.
import fs from 'node:fs';

export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

/** The process's RSS before `work` and its peak while `work` runs, in MB. */
export async function rssDuring(pid: number, work: () => Promise<void>): Promise<{ before: number; peak: number }> {
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, rssMb(pid)); }, 20);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return { before, peak: Math.max(peak, rssMb(pid)) };
}
