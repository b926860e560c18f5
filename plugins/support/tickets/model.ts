// The tickets' rows and how they are answered: a ticket with its SLA age (hours since it was opened,
// hours the requester has waited on support, and whether that is past the target), a comment.
import type { CommentOut, TicketOut, TicketStatus } from './schemas';

export const TICKETS = 'support_tickets';
export const COMMENTS = 'support_ticket_comments';

export interface TicketRow {
  id: string | number; subject: string; body: string; category: string | null; status: TicketStatus;
  requester_user_id: string | number | null; assignee_id: string | number | null;
  opened_at: Date | string; waiting_since: Date | string | null; closed_at: Date | string | null; updated_at: Date | string;
}

export interface CommentRow {
  id: string | number; ticket_id: string | number; author_user_id: string | number | null;
  from_support: boolean; internal: boolean; body: string; created_at: Date | string;
}

const HOUR = 3_600_000;
const iso = (d: Date | string) => new Date(d).toISOString();
const idOrNull = (v: string | number | null) => (v === null ? null : String(v));
/** Hours from `from` to `now`, to one decimal. */
const hoursSince = (from: Date | string, now: Date) => Math.max(0, Math.round((now.getTime() - new Date(from).getTime()) / HOUR * 10) / 10);

export function toTicket(row: TicketRow, now: Date, slaHours: number): TicketOut {
  const waited = row.waiting_since === null ? null : now.getTime() - new Date(row.waiting_since).getTime();
  return {
    id: String(row.id), subject: row.subject, body: row.body, category: row.category, status: row.status,
    requesterId: idOrNull(row.requester_user_id), assigneeId: idOrNull(row.assignee_id),
    openedAt: iso(row.opened_at), updatedAt: iso(row.updated_at), closedAt: row.closed_at === null ? null : iso(row.closed_at),
    waitingSince: row.waiting_since === null ? null : iso(row.waiting_since),
    ageHours: hoursSince(row.opened_at, now),
    waitingHours: row.waiting_since === null ? null : hoursSince(row.waiting_since, now),
    overSla: waited !== null && waited > slaHours * HOUR,
  };
}

export function toComment(row: CommentRow): CommentOut {
  return {
    id: String(row.id), authorId: idOrNull(row.author_user_id), body: row.body, internal: row.internal,
    fromSupport: row.from_support, createdAt: iso(row.created_at),
  };
}

/** "3 h", "2 d 4 h": an age as the pages show it. */
export function duration(hours: number): string {
  const whole = Math.floor(hours);
  if (whole < 1) return `${Math.floor(hours * 60)} min`;
  const days = Math.floor(whole / 24);
  return days ? `${days} d ${whole % 24} h` : `${whole} h`;
}
