// The maintenance plugin (SOP 4.6 and 5): running the system with minimal disruption — system status,
// maintenance mode, the job queue — and keeping the record of every maintenance activity.
import path from 'node:path';
import { definePlugin } from 'lectern';
import { maintenancePermissions } from './permissions';
import { maintenanceSettings } from './settings';
import { statusRoute } from './routes/status';
import { jobRoutes } from './routes/jobs';
import { backupRoutes } from './routes/backups';
import { backupJob } from './backup/job';
import { backupCommands } from './commands';

export * from './api';

export default definePlugin({
  name: 'maintenance',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'System status, maintenance mode, backups and restore, housekeeping, and the jobs, plugins, settings and audit pages.',
  permissions: maintenancePermissions,
  settings: maintenanceSettings,
  migrations: path.join(__dirname, 'migrations'),
  routes: [statusRoute, ...jobRoutes, ...backupRoutes],
  jobs: [backupJob],
  commands: backupCommands,
});
