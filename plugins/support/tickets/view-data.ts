// What the tickets' pages show of a ticket and its thread: people by name, statuses and SLA ages in words,
// each comment marked as the requester's, support's or an internal note.
import type { SignedInRequest } from 'lectern';
import { AuthDirectory } from 'lectern/auth';
import { duration, toComment, type CommentRow } from './model';
import { STATUSES, type TicketOut, type TicketStatus } from './schemas';

export const statusKey = (s: TicketStatus) => `support.tickets.status.${s}`;
export const STATUS_OPTIONS = STATUSES.map((s) => ({ value: s, labelKey: statusKey(s) }));

/** Names of the given users (a removed or erased one is absent). */
export async function namesOf(req: SignedInRequest, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  const users = wanted.length ? await req.resolve(AuthDirectory).usersById(wanted) : new Map();
  return new Map([...users.values()].map((u) => [u.id, u.name]));
}

/** A ticket as a page row: its status label key, requester and assignee names, ages in words. */
export function ticketView(t: TicketOut, names: Map<string, string>) {
  return {
    ...t, statusKey: statusKey(t.status),
    requesterName: t.requesterId ? names.get(t.requesterId) ?? `User ${t.requesterId}` : null,
    assigneeName: t.assigneeId ? names.get(t.assigneeId) ?? `User ${t.assigneeId}` : null,
    age: duration(t.ageHours), waiting: t.waitingHours === null ? null : duration(t.waitingHours),
  };
}

export function commentView(c: CommentRow, names: Map<string, string>) {
  const out = toComment(c);
  return { ...out, authorName: out.authorId ? names.get(out.authorId) ?? `User ${out.authorId}` : null };
}
