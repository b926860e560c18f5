// The tickets part of the support plugin, as the manifest (plugins/support/index.ts) spreads it in: its
// routes (API, pages, forms), the queue admin page, the "Support" nav link, the email job, the permission,
// the privacy provider and the retention pruner the privacy plugin runs as the `support.tickets` kind.
import type { NavLink } from 'lectern';
import { ticketRoutes as apiRoutes } from './routes';
import { ticketPageRoutes } from './pages';
import { ticketAdminRoutes, ticketQueuePage } from './admin-pages';
import { notifyTicketJob } from './notify';

export { ticketPermissions } from './permissions';
export { ticketSettingsFields } from './settings';
export { ticketsPrivacy } from './privacy';
export { pruneClosedTickets } from './retention';

export const ticketRoutes = [...apiRoutes, ...ticketPageRoutes, ...ticketAdminRoutes];
export const ticketAdmin = [ticketQueuePage];
export const ticketNav: NavLink[] = [{ title: 'Support', path: '/support' }];
export const ticketJobs = [notifyTicketJob];
