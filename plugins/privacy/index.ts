// The privacy plugin (SOP 4.8): data-protection requests (export and erasure through every plugin's
// privacy provider), policies people must accept, retention of personal data, and the security report.
import path from 'node:path';
import { definePlugin } from 'lectern';

export default definePlugin({
  name: 'privacy',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'Export and erasure requests, policies and their acceptance, retention, and the security report.',
  dependsOn: ['auth'],
  migrations: path.join(__dirname, 'migrations'),
  views: path.join(__dirname, 'views'),
  lang: path.join(__dirname, 'lang'),
});
