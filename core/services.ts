// Typed references to the core's services, which every plugin may resolve: `ctx.resolve(CoreServices.permissions)`.
import { defineService } from './plugin';
import type { PermissionEngine } from './permissions/engine';
import type { SettingsStore } from './settings';
import type { AuditLog } from './audit';
import type { JobService } from './jobs/service';
import type { PrivacyRegistry } from './privacy';
import type { ViewEngine } from './views/engine';
import { mailService } from './mail';
import type { Revisions } from './sync';
import { storageService } from './storage';
import type { SystemInfo } from './system-routes';

export const CoreServices = {
  permissions: defineService<PermissionEngine>('core.permissions'),
  settings: defineService<SettingsStore>('core.settings'),
  audit: defineService<AuditLog>('core.audit'),
  jobs: defineService<JobService>('core.jobs'),
  privacy: defineService<PrivacyRegistry>('core.privacy'),
  views: defineService<ViewEngine>('core.views'),
  mail: mailService,
  /** Cross-instance change notices for a plugin's own in-memory caches (`on(key, fn)`, `bump(key, tx.db)`). */
  revisions: defineService<Revisions>('core.revisions'),
  /** Files kept under the plugin's own name (`put`, `stat`, `get`, `delete`): core/storage.ts. */
  storage: storageService,
  /** What is running: version, database driver and pending migrations, queue, plugins; and the sweep of temporary upload files. */
  system: defineService<SystemInfo>('core.system'),
} as const;
