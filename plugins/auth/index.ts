// The auth plugin: accounts, sessions, API tokens, password reset and invitations, login throttling,
// roles and assignments (through the core's permission engine), cohorts, bulk CSV import, the first
// administrator, and the pages to manage all of it.
import path from 'node:path';
import { definePlugin } from 'lectern';
import { authPermissions } from './permissions';
import { authSettings } from './settings';
import { authIdentity, IdentityCache, IdentityCacheRef } from './identity';
import { AuthAttempts, AuthDirectory, AuthSecurityFacts, AuthSeededPeople, authEvents, contextChoices, userLinks } from './api';
import { seededPeople, seedPeople } from './seed';
import { securityFacts } from './security-facts';
import { createDirectory } from './directory';
import { attemptsService } from './attempts';
import { sendResetLink } from './reset-link-job';
import { authPrivacy } from './privacy';
import { ensureFirstAdmin } from './first-admin';
import { cleanup } from './cleanup';
import { authRoutes } from './routes/auth';
import { meRoutes } from './routes/me';
import { userRoutes } from './routes/users';
import { roleRoutes } from './routes/roles';
import { cohortRoutes } from './routes/cohorts';
import { importRoutes, importJobs, importCommands } from './routes/import';
import { userCommands } from './commands';
import { pageRoutes, adminPages } from './pages';

export * from './api';

export default definePlugin({
  name: 'auth',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'Accounts, sessions, API tokens, roles, cohorts and bulk user import.',
  settings: authSettings,
  permissions: authPermissions,
  roles: [
    { key: 'learner', name: 'Learner', description: 'Takes courses.' },
    { key: 'support', name: 'Support', description: 'Helps users: looks up accounts, tickets and guides.' },
    { key: 'content-manager', name: 'Content manager', description: 'Creates, reviews and publishes content and courses.' },
  ],
  events: authEvents,
  extensionPoints: [userLinks, contextChoices],
  migrations: path.join(__dirname, 'migrations'),
  lang: path.join(__dirname, 'lang'),
  views: path.join(__dirname, 'views'),
  assets: path.join(__dirname, 'assets'),
  identity: authIdentity,
  routes: [...authRoutes, ...meRoutes, ...userRoutes, ...roleRoutes, ...cohortRoutes, ...importRoutes, ...pageRoutes],
  admin: adminPages,
  jobs: [cleanup, sendResetLink, ...importJobs],
  commands: [...userCommands, ...importCommands],
  privacy: authPrivacy,
  exports: [AuthDirectory, AuthAttempts, AuthSecurityFacts, AuthSeededPeople],
  register(c) {
    c.bind(AuthDirectory, createDirectory);
    c.bind(AuthAttempts, attemptsService);
    c.bind(AuthSecurityFacts, securityFacts);
    c.bind(IdentityCacheRef, (ctx) => new IdentityCache(ctx));
    c.bind(AuthSeededPeople, (ctx) => () => seededPeople(ctx));
  },
  seed: seedPeople,
  async start(ctx) {
    await ensureFirstAdmin(ctx);
  },
});
