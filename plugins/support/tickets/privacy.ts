// A person's data in the tickets: the tickets they opened and the comments they wrote. Export shows their
// tickets with the replies they could read (never internal notes) and their replies on other tickets.
// Erasure keeps every ticket and comment, so the queue's counts stay true, but replaces what the person
// wrote and removes the link to them (as requester, author or assignee).
import type { PluginContext, PrivacyProvider } from 'lectern';
import { COMMENTS, TICKETS, toComment, type CommentRow, type TicketRow } from './model';
import { ticketRetention } from './retention';

const ERASED = '[erased]';

async function exportTickets(userId: string, ctx: PluginContext): Promise<Record<string, unknown>> {
  const tickets: TicketRow[] = await ctx.db(TICKETS).where({ requester_user_id: userId }).orderBy('id');
  const ids = tickets.map((t) => t.id);
  const [thread, elsewhere]: CommentRow[][] = await Promise.all([
    ids.length ? ctx.db(COMMENTS).whereIn('ticket_id', ids).where({ internal: false }).orderBy('id') : Promise.resolve([]),
    ctx.db(COMMENTS).where({ author_user_id: userId, internal: false }).whereNotIn('ticket_id', ids).orderBy('id'),
  ]);
  return {
    tickets: tickets.map((t) => ({
      id: String(t.id), subject: t.subject, body: t.body, category: t.category, status: t.status, openedAt: new Date(t.opened_at).toISOString(),
      comments: thread.filter((c) => String(c.ticket_id) === String(t.id)).map(toComment),
    })),
    commentsOnOtherTickets: elsewhere.map((c) => ({ ticketId: String(c.ticket_id), ...toComment(c) })),
  };
}

async function eraseTickets(userId: string, ctx: PluginContext): Promise<void> {
  await ctx.transaction(async (tx) => {
    await tx.db(TICKETS).where({ requester_user_id: userId }).update({ subject: ERASED, body: ERASED, requester_user_id: null });
    await tx.db(TICKETS).where({ assignee_id: userId }).update({ assignee_id: null });
    await tx.db(COMMENTS).where({ author_user_id: userId }).update({ body: ERASED, author_user_id: null });
    await tx.audit({ action: 'support.tickets.erase', target: { type: 'user', id: userId } });
  });
}

export const ticketsPrivacy: PrivacyProvider = { tables: [TICKETS, COMMENTS], export: exportTickets, erase: eraseTickets, retention: [ticketRetention] };
