// The system status page (/admin/system, system:view, as GET /api/v1/system/status): version, database
// and the names of pending migrations, queue with its counts and warnings, plugins, maintenance mode,
// and this process's uptime and memory.
import { corePermissions, defineAdminPage, formatBytes } from 'lectern';
import { systemStatus } from '../system-status';

/** "3 d 4 h 5 min": uptime in words. */
function duration(seconds: number): string {
  const parts: [number, string][] = [[Math.floor(seconds / 86_400), 'd'], [Math.floor(seconds / 3600) % 24, 'h'], [Math.floor(seconds / 60) % 60, 'min']];
  const shown = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}`);
  return shown.length ? shown.join(' ') : `${Math.floor(seconds)} s`;
}

export const systemPage = defineAdminPage({
  path: '/admin/system', title: 'System status', permission: corePermissions.viewSystem, view: 'maintenance/admin/system',
  async load(req) {
    const status = await systemStatus(req);
    return {
      title: 'System status', status,
      counts: Object.entries(status.queue.counts).map(([state, n]) => ({ state, n })),
      uptime: duration(status.uptimeSeconds),
      memory: { rss: formatBytes(status.memory.rssBytes), heapUsed: formatBytes(status.memory.heapUsedBytes) },
    };
  },
});
