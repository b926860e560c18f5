// The privacy plugin (SOP 4.8): data-protection requests (export and erasure through every plugin's
// privacy provider), policies people must accept, retention of personal data, and the security report.
import path from 'node:path';
import { definePlugin } from 'lectern';
import { privacyPermissions } from './permissions';
import { privacySettings } from './settings';
import { policyRoutes } from './policies/routes';
import { policiesAdminPage, policyPageRoutes } from './policies/pages';
import { policyGuard } from './policies/guard';
import { PolicyCache, PolicyCacheRef } from './policies/cache';
import { erasePolicies, exportPolicies, policyTables } from './policies/privacy';
import { retentionRoutes } from './retention/routes';
import { retentionAdminPage, retentionPageRoutes } from './retention/page';
import { retentionJob } from './retention/job';
import { securityAdminPage, securityReportRoute } from './security/report';

export default definePlugin({
  name: 'privacy',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'Export and erasure requests, policies and their acceptance, retention, and the security report.',
  dependsOn: ['auth'],
  permissions: privacyPermissions,
  settings: privacySettings,
  migrations: path.join(__dirname, 'migrations'),
  views: path.join(__dirname, 'views'),
  lang: path.join(__dirname, 'lang'),
  routes: [...policyRoutes, ...policyPageRoutes, ...retentionRoutes, ...retentionPageRoutes, securityReportRoute],
  admin: [policiesAdminPage, retentionAdminPage, securityAdminPage],
  jobs: [retentionJob],
  guards: [policyGuard],
  privacy: {
    tables: [...policyTables],
    async export(userId, ctx) { return { ...(await exportPolicies(userId, ctx)) }; },
    async erase(userId, ctx) { await erasePolicies(userId, ctx); },
  },
  register(c) {
    c.bind(PolicyCacheRef, (ctx) => new PolicyCache(ctx));
  },
  async start(ctx) {
    // Read before the first request, so it does not wait for it.
    await ctx.resolve(PolicyCacheRef).versions();
  },
});
