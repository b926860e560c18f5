// The support plugin (SOP 4.7): a help center of user guides and FAQs that every page can link to, and
// support tickets that the IT support team works through a queue.
import path from 'node:path';
import { contribute, definePlugin, pageHelp } from 'lectern';
import { helpPermissions } from './permissions';
import { supportSettings } from './settings';
import { supportPrivacy } from './privacy';
import { helpRoutes } from './help/routes';
import { helpArticlePages, helpListPage } from './help/pages';
import { helpAdminPage, helpAdminRoutes } from './help/admin-pages';
import { helpForPages, PageIndex, PageIndexRef } from './help/page-index';
import { createStarterGuides } from './help/starters';
import { ticketAdmin, ticketJobs, ticketNav, ticketPermissions, ticketRoutes } from './tickets';

export * from './api';

export default definePlugin({
  name: 'support',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'Help center (guides and FAQs with search and feedback) and support tickets.',
  dependsOn: ['auth'],
  settings: supportSettings,
  permissions: { ...helpPermissions, ...ticketPermissions },
  roles: [{ key: 'support', name: 'Support', description: 'Helps users: looks up accounts, tickets and guides.' }],
  migrations: path.join(__dirname, 'migrations'),
  views: path.join(__dirname, 'views'),
  lang: path.join(__dirname, 'lang'),
  routes: [...helpRoutes, helpListPage, ...helpArticlePages, ...helpAdminRoutes, ...ticketRoutes],
  admin: [helpAdminPage, ...ticketAdmin],
  nav: [{ title: 'support.help.nav', path: '/help' }, ...ticketNav],
  contributes: [contribute(pageHelp, helpForPages)],
  jobs: [...ticketJobs],
  privacy: supportPrivacy,
  register(c) {
    c.bind(PageIndexRef, (ctx) => new PageIndex(ctx));
  },
  async start(ctx) {
    await createStarterGuides(ctx);
  },
});
