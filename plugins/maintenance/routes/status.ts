// GET /api/v1/system/status (API.md "Health, system, jobs"): what is running — version, database and
// pending migrations, queue and its counts, maintenance mode, plugins, this process's uptime and memory.
import { corePermissions, defineRoute } from 'lectern';
import { SystemStatus } from '../schemas';
import { systemStatus } from '../system-status';

export const statusRoute = defineRoute({
  method: 'GET', path: '/api/v1/system/status', permission: corePermissions.viewSystem,
  summary: 'System status: versions, database, queue, maintenance mode, plugins, uptime and memory', responses: { 200: SystemStatus },
  async handler(req) {
    const status = await systemStatus(req);
    return {
      ...status,
      db: { ...status.db, pendingMigrations: status.db.pendingMigrations.length },
      plugins: status.plugins.map(({ name, version, enabled }) => ({ name, version, enabled })),
    };
  },
});
