// The privacy plugin (SOP 4.8): data-protection requests (export and erasure through every plugin's
// privacy provider), policies people must accept, retention of personal data, and the security report.
import path from 'node:path';
import { definePlugin } from 'lectern';
import { privacyPermissions } from './permissions';
import { privacySettings } from './settings';
import { privacyRequestsPrivacy } from './privacy';
import { requestRoutes } from './requests/routes';
import { accountPages } from './requests/account-pages';
import { adminPageRoutes, requestsAdminPage } from './requests/admin-pages';
import { eraseJob, expireExports, exportJob } from './requests/jobs';

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
    { key: 'privacy-officer', name: 'Privacy officer', description: 'Handles data-protection requests: exports and erasures.' },
  ],
  migrations: path.join(__dirname, 'migrations'),
  views: path.join(__dirname, 'views'),
  lang: path.join(__dirname, 'lang'),
  routes: [
    ...requestRoutes,
    ...accountPages,
    ...adminPageRoutes,
  ],
  admin: [
    requestsAdminPage,
  ],
  nav: [
    { title: 'My data', path: '/account/privacy' },
  ],
  jobs: [
    exportJob, eraseJob, expireExports,
  ],
  privacy: privacyRequestsPrivacy,
});
