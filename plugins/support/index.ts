// The support plugin (SOP 4.7): a help center of user guides and FAQs that every page can link to, and
// support tickets that the IT support team works through a queue.
import path from 'node:path';
import { definePlugin } from 'lectern';
import { supportSettings } from './settings';
import { ticketAdmin, ticketJobs, ticketNav, ticketPermissions, ticketRoutes, ticketsPrivacy } from './tickets';

export default definePlugin({
  name: 'support',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'Help center (guides and FAQs with search and feedback) and support tickets.',
  dependsOn: ['auth'],
  settings: supportSettings,
  permissions: { ...ticketPermissions },
  migrations: path.join(__dirname, 'migrations'),
  views: path.join(__dirname, 'views'),
  lang: path.join(__dirname, 'lang'),
  routes: [...ticketRoutes],
  admin: [...ticketAdmin],
  nav: [...ticketNav],
  jobs: [...ticketJobs],
  privacy: ticketsPrivacy,
});
