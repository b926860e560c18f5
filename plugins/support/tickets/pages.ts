// The requester's pages: /support lists my tickets a page at a time with the "Open a ticket" form (its
// mistakes beside their fields), /support/tickets/:id shows one ticket's thread (never internal notes) and
// the reply form. The forms run the same actions as the JSON API (actions.ts).
import { defineRoute, Done, doneNotice, pagerLinks, reply, submitForm, Type, type FormState, type SignedInRequest } from 'lectern';
import { supportSettings } from '../settings';
import { COMMENTS, toTicket, type CommentRow } from './model';
import { addComment, loadTicket, openTicket } from './actions';
import { byAge, listTickets } from './queue';
import { IdString } from './schemas';
import { commentView, namesOf, ticketView } from './view-data';

export const SUPPORT_PATH = '/support';
const LIST_VIEW = 'support/tickets/list';
const TICKET_VIEW = 'support/tickets/ticket';
const PAGE_SIZE = 25;
const MAX_COMMENTS = 500;
const NOTICES = { opened: 'Your ticket is open. The support team is told of it; you get an email when they reply.', replied: 'Your reply is added to the ticket.' };

const TicketForm = Type.Object({
  subject: Type.String({ maxLength: 200 }), body: Type.String({ maxLength: 20_000 }), category: Type.Optional(Type.String({ maxLength: 80 })),
});
const ReplyForm = Type.Object({ body: Type.String({ maxLength: 20_000 }) });
const Params = Type.Object({ id: IdString });

async function listPage(req: SignedInRequest, cursor: [number] | undefined, forms: Record<string, FormState> = {}) {
  const [page, { ticketCategories }] = await Promise.all([listTickets(req, {}, PAGE_SIZE, cursor, true), req.settings(supportSettings)]);
  const names = await namesOf(req, page.items.map((t) => t.assigneeId));
  return {
    title: 'Support', breadcrumbs: [{ title: 'support.tickets.nav', path: SUPPORT_PATH }],
    tickets: page.items.map((t) => ticketView(t, names)),
    categories: ticketCategories,
    pager: pagerLinks(SUPPORT_PATH, {}, page.nextCursor, cursor !== undefined),
    forms: { open: forms.open ?? { values: {} } },
  };
}

async function ticketPage(req: SignedInRequest, id: string, forms: Record<string, FormState> = {}) {
  const { row } = await loadTicket(req, id);
  const [comments, { slaHours }] = await Promise.all([
    req.db(COMMENTS).where({ ticket_id: row.id, internal: false }).orderBy('id').limit(MAX_COMMENTS) as Promise<CommentRow[]>,
    req.settings(supportSettings),
  ]);
  const ticket = toTicket(row, req.now(), slaHours);
  const names = await namesOf(req, [ticket.requesterId, ticket.assigneeId, ...comments.map((c) => c.author_user_id === null ? null : String(c.author_user_id))]);
  return {
    title: ticket.subject,
    breadcrumbs: [{ title: 'support.tickets.nav', path: SUPPORT_PATH }, { title: 'support.tickets.ticket.crumb', path: `${SUPPORT_PATH}/tickets/${id}` }],
    ticket: ticketView(ticket, names), comments: comments.map((c) => commentView(c, names)), closed: ticket.status === 'closed',
    forms: { reply: forms.reply ?? { values: {} } },
  };
}

const notice = (done: string | undefined) => doneNotice(NOTICES, done);

export const ticketPageRoutes = [
  defineRoute({
    method: 'GET', path: SUPPORT_PATH, authenticated: true, html: true, query: Type.Object({ cursor: byAge.cursor, done: Done }),
    summary: 'My support tickets and the form to open one (page)',
    handler: async (req) => req.page(LIST_VIEW, { ...(await listPage(req, req.query.cursor)), notice: notice(req.query.done) }),
  }),

  defineRoute({
    method: 'POST', path: `${SUPPORT_PATH}/tickets`, authenticated: true, html: true, body: TicketForm, summary: 'Open a support ticket (form)',
    async handler(req) {
      const page = { view: LIST_VIEW, form: 'open', values: req.body, load: (sent: Record<string, FormState>) => listPage(req, undefined, sent) };
      return submitForm(req, page, async () => {
        const row = await openTicket(req, req.body);
        return reply.redirect(`${SUPPORT_PATH}/tickets/${row.id}?done=opened`);
      });
    },
  }),

  defineRoute({
    method: 'GET', path: `${SUPPORT_PATH}/tickets/:id`, authenticated: true, html: true, params: Params, query: Type.Object({ done: Done }),
    summary: 'One of my support tickets and its replies (page)',
    handler: async (req) => req.page(TICKET_VIEW, { ...(await ticketPage(req, req.params.id)), notice: notice(req.query.done) }),
  }),

  defineRoute({
    method: 'POST', path: `${SUPPORT_PATH}/tickets/:id/comments`, authenticated: true, html: true, params: Params, body: ReplyForm,
    summary: 'Reply on one of my support tickets (form)',
    async handler(req) {
      await loadTicket(req, req.params.id);
      const page = { view: TICKET_VIEW, form: 'reply', values: req.body, load: (sent: Record<string, FormState>) => ticketPage(req, req.params.id, sent) };
      return submitForm(req, page, async () => {
        await addComment(req, req.params.id, { body: req.body.body });
        return reply.redirect(`${SUPPORT_PATH}/tickets/${req.params.id}?done=replied`);
      });
    },
  }),
];
