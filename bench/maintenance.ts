// `npm run bench:maintenance`: the maintenance benchmarks one after the other, each in its own process —
// backup and restore of a large organization (maintenance-backup.ts), then request throughput while
// maintenance mode is switched on and off (maintenance-mode.ts). Their markdown reports go to stdout.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

for (const script of ['maintenance-backup.js', 'maintenance-mode.js']) {
  const run = spawnSync(process.execPath, [path.join(__dirname, script)], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  if (run.status !== 0) {
    process.stderr.write(`[bench:maintenance] ${script} failed (exit ${run.status ?? run.signal})\n`);
    process.exit(1);
  }
}
