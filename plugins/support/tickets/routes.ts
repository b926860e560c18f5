// The tickets' JSON API (API.md "Support, privacy"): open a ticket, list tickets (one's own, or all for
// the support team), read one with its thread, change its status or assignee, comment on it. The rules
// are the actions' (actions.ts), which the pages run too.
import { defineRoute, reply, Type } from 'lectern';
import { supportSettings } from '../settings';
import { ticketPermissions } from './permissions';
import { COMMENTS, toComment, toTicket, type CommentRow } from './model';
import { addComment, changeTicket, loadTicket, openTicket } from './actions';
import { byAge, listTickets } from './queue';
import { Comment, CommentBody, IdString, NewTicketBody, Ticket, TicketChangeBody, TicketDetail, TicketFilters, TicketPage } from './schemas';

const Params = Type.Object({ id: IdString });
/** Comments a ticket's answer shows at most. */
const MAX_COMMENTS = 500;

export const ticketRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/support/tickets', authenticated: true, body: NewTicketBody,
    summary: 'Open a support ticket', responses: { 201: Ticket },
    async handler(req) {
      const [row, { slaHours }] = await Promise.all([openTicket(req, req.body), req.settings(supportSettings)]);
      return reply.created(toTicket(row, req.now(), slaHours));
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/support/tickets', authenticated: true, query: Type.Object({ ...TicketFilters, ...byAge.query }),
    summary: 'Support tickets by age with their SLA age: the caller\'s own, or every ticket for the support team', responses: { 200: TicketPage },
    async handler(req) {
      const { limit, cursor, ...filters } = req.query;
      return listTickets(req, filters, limit, cursor);
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/support/tickets/:id', authenticated: true, params: Params,
    summary: 'A support ticket with its comments (internal notes for the support team only)', responses: { 200: TicketDetail },
    async handler(req) {
      const { row, handler } = await loadTicket(req, req.params.id);
      const q = req.db(COMMENTS).where({ ticket_id: row.id }).orderBy('id').limit(MAX_COMMENTS);
      if (!handler) q.where({ internal: false });
      const [comments, { slaHours }] = await Promise.all([q as Promise<CommentRow[]>, req.settings(supportSettings)]);
      return { ...toTicket(row, req.now(), slaHours), comments: comments.map(toComment) };
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/support/tickets/:id', permission: ticketPermissions.handle, params: Params, body: TicketChangeBody,
    summary: 'Change a support ticket\'s status or assignee', responses: { 200: Ticket }, errors: [409],
    async handler(req) {
      const [row, { slaHours }] = await Promise.all([changeTicket(req, req.params.id, req.body), req.settings(supportSettings)]);
      return toTicket(row, req.now(), slaHours);
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/support/tickets/:id/comments', authenticated: true, params: Params, body: CommentBody,
    summary: 'Comment on a support ticket (internal notes: the support team only)', responses: { 201: Comment }, errors: [409],
    handler: async (req) => reply.created(toComment(await addComment(req, req.params.id, req.body))),
  }),
];
