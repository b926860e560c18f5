// What can be done to a ticket — open it, change its status or assignee, comment on it — each checked,
// written, audited and its emails enqueued in one transaction. The JSON API (routes.ts) and the pages
// (pages.ts, admin-pages.ts) both run these, so a form and a request follow the same rules.
import { badRequest, conflict, forbidden, notFound, type SignedInRequest, type TransactionContext } from 'lectern';
import { supportSettings } from '../settings';
import { ticketPermissions } from './permissions';
import { COMMENTS, TICKETS, type CommentRow, type TicketRow } from './model';
import { notifyTicketJob, type TicketNotice } from './notify';
import { isHandler } from './team';
import type { NewComment, NewTicket, TicketChange, TicketStatus } from './schemas';

/** The statuses a ticket may move to from each; closed is final (a new ticket is opened instead). */
export const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  open: ['pending', 'resolved', 'closed'],
  pending: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

export interface VisibleTicket { row: TicketRow; handler: boolean; requester: boolean }

/** The ticket if the caller opened it or handles tickets; one 404 for "no such ticket" and "not yours". */
export async function loadTicket(req: SignedInRequest, id: string): Promise<VisibleTicket> {
  const row: TicketRow | undefined = await req.db(TICKETS).where({ id }).first();
  const requester = !!row && String(row.requester_user_id) === req.principal.id;
  const handler = await req.can(ticketPermissions.handle);
  if (!row || (!requester && !handler)) throw notFound(`ticket ${id} does not exist`);
  return { row, handler, requester };
}

const notify = (tx: TransactionContext, notice: TicketNotice) => tx.enqueue(notifyTicketJob, notice);

/** A new ticket of the caller, in one of the configured categories; the support team is emailed. */
export async function openTicket(req: SignedInRequest, input: NewTicket): Promise<TicketRow> {
  const subject = input.subject.trim();
  const body = input.body.trim();
  if (!subject) throw badRequest('Give the ticket a subject.', [{ path: 'body.subject', message: 'is required' }]);
  if (!body) throw badRequest('Say what you need help with.', [{ path: 'body.body', message: 'is required' }]);
  const { ticketCategories } = await req.settings(supportSettings);
  const category = input.category?.trim() || null;
  if (category !== null && !ticketCategories.includes(category)) {
    throw badRequest(`"${category}" is not a ticket category; choose one of: ${ticketCategories.join(', ')}.`, [{ path: 'body.category', message: `must be one of: ${ticketCategories.join(', ')}` }]);
  }
  const now = req.now();
  return req.transaction(async (tx) => {
    const [row]: TicketRow[] = await tx.db(TICKETS).insert({
      subject, body, category, status: 'open', requester_user_id: req.principal.id, opened_at: now, waiting_since: now, updated_at: now,
    }).returning('*');
    await notify(tx, { kind: 'opened', ticketId: String(row.id), actorId: req.principal.id });
    return row;
  });
}

/** Changes a ticket's status (along TRANSITIONS) and/or its assignee (someone who handles tickets, or null). */
export async function changeTicket(req: SignedInRequest, id: string, change: TicketChange): Promise<TicketRow> {
  const { row } = await loadTicket(req, id);
  const status = change.status ?? row.status;
  if (status !== row.status && !TRANSITIONS[row.status].includes(status)) {
    const allowed = TRANSITIONS[row.status];
    throw badRequest(`A ${row.status} ticket cannot become ${status}.`, [{ path: 'body.status', message: allowed.length ? `must be one of: ${allowed.join(', ')}` : 'cannot change: the ticket is closed' }]);
  }
  const current = row.assignee_id === null ? null : String(row.assignee_id);
  const assignee = change.assigneeId === undefined ? current : change.assigneeId;
  if (assignee !== current && assignee !== null && !(await isHandler(req, assignee))) {
    throw badRequest(`User ${assignee} does not handle support tickets.`, [{ path: 'body.assigneeId', message: 'must be someone who holds support:handle' }]);
  }
  if (status === row.status && assignee === current) return row;
  const now = req.now();
  const target = { type: 'support-ticket', id: String(row.id) };
  return req.transaction(async (tx) => {
    const patch: Record<string, unknown> = { updated_at: now };
    if (status !== row.status) {
      Object.assign(patch, { status, closed_at: status === 'closed' ? now : null, waiting_since: status === 'open' ? (row.waiting_since ?? now) : null });
      await tx.audit({ action: 'support.ticket.status', target, details: { from: row.status, to: status } });
      await notify(tx, { kind: 'status', ticketId: String(row.id), actorId: req.principal.id, status });
    }
    if (assignee !== current) {
      patch.assignee_id = assignee;
      await tx.audit({ action: 'support.ticket.assign', target, details: { from: current, to: assignee } });
      if (assignee !== null) await notify(tx, { kind: 'assigned', ticketId: String(row.id), actorId: req.principal.id });
    }
    return updateUnchanged(tx, row, patch);
  });
}

/**
 * Writes `patch` only if the ticket's status and assignee are still what the caller read (and decided
 * by), else 409: two handlers acting at once never undo each other, and nothing is added to a ticket
 * that was closed meanwhile. Throwing rolls back what the transaction wrote with it.
 */
async function updateUnchanged(tx: TransactionContext, row: TicketRow, patch: Record<string, unknown>): Promise<TicketRow> {
  const [updated]: TicketRow[] = await tx.db(TICKETS).where({ id: row.id, status: row.status })
    .where((q) => (row.assignee_id === null ? q.whereNull('assignee_id') : q.where('assignee_id', row.assignee_id))).update(patch).returning('*');
  if (!updated) throw conflict(`Ticket ${row.id} was changed meanwhile; reload it and try again.`);
  return updated;
}

/**
 * A comment by the requester or support. Internal notes are support's only. A requester's comment on a
 * pending or resolved ticket opens it again, and makes support owe an answer; support's reply ends the
 * requester's wait. A closed ticket takes no comments.
 */
export async function addComment(req: SignedInRequest, id: string, input: NewComment): Promise<CommentRow> {
  const { row, handler, requester } = await loadTicket(req, id);
  const internal = input.internal === true;
  if (internal && !handler) throw forbidden('Only the support team writes internal notes.');
  const body = input.body.trim();
  if (!body) throw badRequest('Write a comment.', [{ path: 'body.body', message: 'is required' }]);
  if (row.status === 'closed') throw conflict(`Ticket ${row.id} is closed; open a new ticket instead.`);
  const fromSupport = !requester;
  const now = req.now();
  const ticketId = String(row.id);
  return req.transaction(async (tx) => {
    const [comment]: CommentRow[] = await tx.db(COMMENTS).insert({
      ticket_id: row.id, author_user_id: req.principal.id, from_support: fromSupport, internal, body, created_at: now,
    }).returning('*');
    // An internal note changes nothing the requester sees.
    const patch: Record<string, unknown> = { updated_at: now };
    if (internal) {
      await updateUnchanged(tx, row, patch);
      return comment;
    }
    if (fromSupport) {
      patch.waiting_since = null;
      await notify(tx, { kind: 'replied', ticketId, actorId: req.principal.id, commentId: String(comment.id) });
    } else {
      patch.waiting_since = row.waiting_since ?? now;
      if (row.status === 'pending' || row.status === 'resolved') {
        patch.status = 'open';
        await tx.audit({ action: 'support.ticket.status', target: { type: 'support-ticket', id: ticketId }, details: { from: row.status, to: 'open', reason: 'requester replied' } });
      }
      await notify(tx, { kind: 'requester-comment', ticketId, actorId: req.principal.id, commentId: String(comment.id) });
    }
    await updateUnchanged(tx, row, patch);
    return comment;
  });
}
