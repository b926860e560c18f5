// The privacy plugin (SOP 4.8): data-protection requests (export and erasure through every plugin's
// privacy provider), policies people must accept, retention of personal data, and the security report.
import path from 'node:path';
import { definePlugin } from 'lectern';
import { privacyPermissions } from './permissions';
import { privacySettings } from './settings';
import { privacyPluginPrivacy } from './privacy';
import { requestRoutes } from './requests/routes';
import { accountPages } from './requests/account-pages';
import { adminPageRoutes, requestsAdminPage } from './requests/admin-pages';
import { eraseJob, expireExports, exportJob } from './requests/jobs';
import { policyRoutes } from './policies/routes';
import { policiesAdminPage, policyPageRoutes } from './policies/pages';
import { policyGuard } from './policies/guard';
import { PolicyCache, PolicyCacheRef } from './policies/cache';
import { retentionRoutes } from './retention/routes';
import { retentionAdminPage, retentionPageRoutes } from './retention/page';
import { retentionJob } from './retention/job';
import { securityAdminPage, securityReportRoute } from './security/report';

export * from './api';

export default definePlugin({
  name: 'privacy',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'Export and erasure requests, policies and their acceptance, retention, and the security report.',
  dependsOn: ['auth'],
  settings: privacySettings,
  permissions: privacyPermissions,
  roles: [
    { key: 'privacy-officer', name: 'Privacy officer', description: 'Handles data-protection requests, policies and retention.' },
  ],
  migrations: path.join(__dirname, 'migrations'),
  views: path.join(__dirname, 'views'),
  lang: path.join(__dirname, 'lang'),
  routes: [
    ...requestRoutes, ...accountPages, ...adminPageRoutes,
    ...policyRoutes, ...policyPageRoutes, ...retentionRoutes, ...retentionPageRoutes, securityReportRoute,
  ],
  admin: [requestsAdminPage, policiesAdminPage, retentionAdminPage, securityAdminPage],
  nav: [{ title: 'My data', path: '/account/privacy' }],
  jobs: [exportJob, eraseJob, expireExports, retentionJob],
  guards: [policyGuard],
  privacy: privacyPluginPrivacy,
  register(c) {
    c.bind(PolicyCacheRef, (ctx) => new PolicyCache(ctx));
  },
  async start(ctx) {
    // Read before the first request, so it does not wait for it.
    await ctx.resolve(PolicyCacheRef).versions();
  },
});
