// The maintenance plugin (SOP 4.6 and 5): running the system with minimal disruption — system status,
// maintenance mode, the job queue — and keeping the record of every maintenance activity.
import path from 'node:path';
import { definePlugin } from 'lectern';
import { maintenancePermissions } from './permissions';
import { maintenanceSettings } from './settings';
import { statusRoute } from './routes/status';
import { jobRoutes } from './routes/jobs';
import { switchModeRoute } from './routes/mode';
import { windowRoutes } from './routes/windows';
import { maintenanceGuard } from './guard';
import { ModeCache, ModeCacheRef } from './mode-cache';
import { recordWindowEdges } from './jobs/window-edges';
import { maintenanceAdminPage, maintenanceFormRoutes } from './pages/maintenance';
import { windowDeleteRoutes } from './pages/window-delete';
import { housekeepingRoute } from './routes/housekeeping';
import { housekeeping } from './housekeeping';
import { systemPage } from './pages/system';
import { pluginRoutes, pluginsAdminPage } from './pages/plugins';
import { settingsAdminPage, settingsPageRoutes } from './pages/settings';
import { jobsAdminPage } from './pages/jobs';
import { jobPageRoutes } from './pages/job';
import { myJobPage } from './pages/my-job';
import { auditAdminPage } from './pages/audit';
import { backupRoutes } from './routes/backups';
import { backupJob } from './backup/job';
import { backupCommands } from './commands';
import { backupPageRoutes, backupsAdminPage } from './pages/backups';
import { appearanceAdminPage, appearancePageRoutes } from './pages/appearance';

export * from './api';

export default definePlugin({
  name: 'maintenance',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'System status, maintenance mode, backups and restore, housekeeping, and the jobs, plugins, settings and audit pages.',
  permissions: maintenancePermissions,
  settings: maintenanceSettings,
  migrations: path.join(__dirname, 'migrations'),
  views: path.join(__dirname, 'views'),
  lang: path.join(__dirname, 'lang'),
  routes: [
    statusRoute, ...jobRoutes, switchModeRoute, ...windowRoutes, ...maintenanceFormRoutes, ...windowDeleteRoutes, housekeepingRoute,
    ...pluginRoutes, ...settingsPageRoutes, ...jobPageRoutes, myJobPage, ...backupRoutes, ...backupPageRoutes, ...appearancePageRoutes,
  ],
  jobs: [recordWindowEdges, housekeeping, backupJob],
  commands: backupCommands,
  admin: [systemPage, maintenanceAdminPage, pluginsAdminPage, settingsAdminPage, appearanceAdminPage, jobsAdminPage, backupsAdminPage, auditAdminPage],
  guards: [maintenanceGuard],
  register(c) {
    c.bind(ModeCacheRef, (ctx) => new ModeCache(ctx));
  },
  async start(ctx) {
    // Read before the first request, so it does not wait for it.
    await ctx.resolve(ModeCacheRef).snapshot();
  },
});
