// GET /api/v1/system/status (API.md "Health, system, jobs"): what is running — version, database and
// pending migrations, queue and its counts, maintenance mode, plugins — read through CoreServices.system.
import { CoreServices, corePermissions, defineRoute } from 'lectern';
import { modeState } from '../mode';
import { SystemStatus } from '../schemas';

export const statusRoute = defineRoute({
  method: 'GET', path: '/api/v1/system/status', permission: corePermissions.viewSystem,
  summary: 'System status: versions, database, queue, maintenance mode and plugins', responses: { 200: SystemStatus },
  async handler(req) {
    const system = req.resolve(CoreServices.system);
    const jobs = req.resolve(CoreServices.jobs);
    const [pendingMigrations, counts, warnings, maintenance] = await Promise.all([
      system.pendingMigrations(), jobs.counts(), system.queueWarnings(), modeState(req),
    ]);
    return {
      version: system.version,
      db: { driver: system.databaseDriver, pendingMigrations: pendingMigrations.length },
      queue: { driver: jobs.driver.name, store: system.queueStore(), counts, warnings },
      maintenance,
      plugins: system.plugins().map(({ name, version, enabled }) => ({ name, version, enabled })),
    };
  },
});
