// The ticket list behind GET /api/v1/support/tickets and the queue page: the caller's own tickets, or every
// ticket for the support team; filtered by status, assignee, "mine" or "unassigned"; by age (oldest first
// unless asked otherwise), keyset-paged on the ticket id (ids grow with the time a ticket was opened).
import { keyset, type Page, type SignedInRequest } from 'lectern';
import { supportSettings } from '../settings';
import { ticketPermissions } from './permissions';
import { TICKETS, toTicket, type TicketRow } from './model';
import type { TicketOut, TicketStatus } from './schemas';

export const byAge = keyset('int');

export interface QueueFilters { status?: TicketStatus; assigneeId?: string; assigned?: 'mine' | 'unassigned'; dir?: 'asc' | 'desc' }

/** `own`: only the caller's tickets, even for the support team (the /support page). */
export async function listTickets(req: SignedInRequest, filters: QueueFilters, limit: number, cursor: [number] | undefined, own = false): Promise<Page<TicketOut>> {
  const desc = filters.dir === 'desc';
  const q = req.db(TICKETS).orderBy('id', desc ? 'desc' : 'asc').limit(limit + 1);
  if (own || !(await req.can(ticketPermissions.handle))) q.where({ requester_user_id: req.principal.id });
  if (filters.status) q.where({ status: filters.status });
  if (filters.assigneeId) q.where({ assignee_id: filters.assigneeId });
  if (filters.assigned === 'mine') q.where({ assignee_id: req.principal.id });
  if (filters.assigned === 'unassigned') q.whereNull('assignee_id');
  if (cursor) q.where('id', desc ? '<' : '>', cursor[0]);
  const [rows, { slaHours }] = await Promise.all([q as Promise<TicketRow[]>, req.settings(supportSettings)]);
  const now = req.now();
  return byAge.page(rows, limit, (r) => toTicket(r, now, slaHours), (r) => [Number(r.id)]);
}
