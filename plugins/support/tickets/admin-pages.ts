// The support team's pages: the queue (/admin/support: filters by status and assignee, by age either way,
// each ticket's SLA age with a marker past the target, paged, an empty state) and one ticket
// (/admin/support/tickets/:id: the whole thread with internal notes, the form to assign it and change its
// status, and the form to reply or add an internal note). The forms run the actions of the JSON API.
import { defineAdminPage, defineRoute, Done, doneNotice, pagerLinks, reply, submitForm, Type, type FormState, type SignedInRequest } from 'lectern';
import { supportSettings } from '../settings';
import { ticketPermissions } from './permissions';
import { COMMENTS, toTicket, type CommentRow } from './model';
import { addComment, changeTicket, loadTicket, TRANSITIONS } from './actions';
import { byAge, listTickets, type QueueFilters } from './queue';
import { IdString, StatusSchema, TicketFilters } from './schemas';
import { supportTeam } from './team';
import { commentView, namesOf, STATUS_OPTIONS, ticketView } from './view-data';

export const QUEUE_PATH = '/admin/support';
const QUEUE_VIEW = 'support/tickets/admin-queue';
const TICKET_VIEW = 'support/tickets/admin-ticket';
const PAGE_SIZE = 50;
const MAX_COMMENTS = 500;
const NOTICES = { changed: 'The ticket is updated.', replied: 'The reply is added and emailed to the requester.', noted: 'The internal note is added.' };

const Params = Type.Object({ id: IdString });
const ChangeForm = Type.Object({ status: StatusSchema, assigneeId: Type.Union([IdString, Type.Literal('')]) });
const CommentForm = Type.Object({ body: Type.String({ maxLength: 20_000 }), internal: Type.Optional(Type.Literal('on')) });

/** The team as select options: a handler's name, by id. */
async function handlerOptions(req: SignedInRequest) {
  const team = await supportTeam(req);
  const names = await namesOf(req, team);
  return team.map((id) => ({ value: id, label: names.get(id) ?? `User ${id}` }));
}

async function queuePage(req: SignedInRequest, filters: QueueFilters, cursor: [number] | undefined) {
  const [page, handlers, { slaHours }] = await Promise.all([listTickets(req, filters, PAGE_SIZE, cursor), handlerOptions(req), req.settings(supportSettings)]);
  const names = await namesOf(req, page.items.flatMap((t) => [t.requesterId, t.assigneeId]));
  const kept = { status: filters.status, assigneeId: filters.assigneeId, assigned: filters.assigned, sort: filters.dir ? 'age' : undefined, dir: filters.dir };
  return {
    title: 'Support queue', slaHours, filters, handlers, statuses: STATUS_OPTIONS,
    sort: 'age', dir: filters.dir ?? 'asc', filtered: Boolean(filters.status || filters.assigneeId || filters.assigned),
    tickets: page.items.map((t) => ticketView(t, names)),
    pager: pagerLinks(QUEUE_PATH, kept, page.nextCursor, cursor !== undefined),
  };
}

export const ticketQueuePage = defineAdminPage({
  path: QUEUE_PATH, title: 'Support queue', permission: ticketPermissions.handle, view: QUEUE_VIEW,
  query: Type.Object({ ...TicketFilters, sort: Type.Optional(Type.Literal('age')), cursor: byAge.cursor }),
  load: async (req) => {
    const { status, assigneeId, assigned, dir, cursor } = req.query;
    return queuePage(req, { status, assigneeId, assigned, dir }, cursor);
  },
});

async function ticketPage(req: SignedInRequest, id: string, forms: Record<string, FormState> = {}) {
  const { row } = await loadTicket(req, id);
  const [comments, handlers, { slaHours }] = await Promise.all([
    req.db(COMMENTS).where({ ticket_id: row.id }).orderBy('id').limit(MAX_COMMENTS) as Promise<CommentRow[]>,
    handlerOptions(req), req.settings(supportSettings),
  ]);
  const ticket = toTicket(row, req.now(), slaHours);
  const names = await namesOf(req, [ticket.requesterId, ticket.assigneeId, ...comments.map((c) => c.author_user_id === null ? null : String(c.author_user_id))]);
  const next = new Set([row.status, ...TRANSITIONS[row.status]]);
  return {
    title: ticket.subject, slaHours,
    breadcrumbs: [{ title: 'support.tickets.queue.title', path: QUEUE_PATH }, { title: 'support.tickets.ticket.crumb', path: `${QUEUE_PATH}/tickets/${id}` }],
    ticket: ticketView(ticket, names), comments: comments.map((c) => commentView(c, names)), closed: ticket.status === 'closed',
    statuses: STATUS_OPTIONS.filter((s) => next.has(s.value)), assigneeGroups: [{ label: null, options: handlers }],
    forms: {
      change: forms.change ?? { values: { status: ticket.status, assigneeId: ticket.assigneeId ?? '' } },
      comment: forms.comment ?? { values: {} },
    },
  };
}

const form = { permission: ticketPermissions.handle, html: true as const, params: Params };

export const ticketAdminRoutes = [
  defineRoute({
    ...form, method: 'GET', path: `${QUEUE_PATH}/tickets/:id`, query: Type.Object({ done: Done }),
    summary: 'A support ticket with its whole thread, to assign, change and answer (page)',
    handler: async (req) => req.page(TICKET_VIEW, { ...(await ticketPage(req, req.params.id)), notice: doneNotice(NOTICES, req.query.done) }),
  }),

  defineRoute({
    ...form, method: 'POST', path: `${QUEUE_PATH}/tickets/:id`, body: ChangeForm, summary: 'Assign a support ticket and change its status (form)',
    async handler(req) {
      await loadTicket(req, req.params.id);
      const page = { view: TICKET_VIEW, form: 'change', values: req.body, load: (sent: Record<string, FormState>) => ticketPage(req, req.params.id, sent) };
      return submitForm(req, page, async () => {
        await changeTicket(req, req.params.id, { status: req.body.status, assigneeId: req.body.assigneeId || null });
        return reply.redirect(`${QUEUE_PATH}/tickets/${req.params.id}?done=changed`);
      });
    },
  }),

  defineRoute({
    ...form, method: 'POST', path: `${QUEUE_PATH}/tickets/:id/comments`, body: CommentForm, summary: 'Reply on a support ticket or add an internal note (form)',
    async handler(req) {
      await loadTicket(req, req.params.id);
      const internal = req.body.internal === 'on';
      const page = { view: TICKET_VIEW, form: 'comment', values: req.body, load: (sent: Record<string, FormState>) => ticketPage(req, req.params.id, sent) };
      return submitForm(req, page, async () => {
        await addComment(req, req.params.id, { body: req.body.body, internal });
        return reply.redirect(`${QUEUE_PATH}/tickets/${req.params.id}?done=${internal ? 'noted' : 'replied'}`);
      });
    },
  }),
];
