// What is running, gathered once for the status API and the system status page: version, database and
// its pending migrations, queue with its counts and warnings, maintenance mode, plugins, and this
// process's uptime and memory.
import { CoreServices, type RouteRequest } from 'lectern';
import { modeState } from './mode';

export async function systemStatus(req: RouteRequest) {
  const system = req.resolve(CoreServices.system);
  const jobs = req.resolve(CoreServices.jobs);
  const [pendingMigrations, counts, warnings, maintenance] = await Promise.all([
    system.pendingMigrations(), jobs.counts(), system.queueWarnings(), modeState(req),
  ]);
  const memory = process.memoryUsage();
  return {
    version: system.version,
    db: { driver: system.databaseDriver, pendingMigrations },
    queue: { driver: jobs.driver.name, store: system.queueStore(), counts, warnings },
    maintenance,
    uptimeSeconds: process.uptime(),
    memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
    plugins: system.plugins(),
  };
}
