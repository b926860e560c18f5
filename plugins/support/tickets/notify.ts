// Emails about tickets. The job is written in the transaction of the change (`notifyTicket`); it finds the
// recipients when it runs and hands one core.sendMail job per person to the mailer: the support team of a
// new ticket, the requester of a reply from support or a status change, the assignee of an assignment or
// of the requester's comment. Internal notes are never emailed.
import { defineJob, Type, type JobContext } from 'lectern';
import { mailPeople } from 'lectern/auth';
import { COMMENTS, TICKETS, type CommentRow, type TicketRow } from './model';
import { IdString, StatusSchema, type TicketStatus } from './schemas';
import { supportTeam } from './team';

const KINDS = ['opened', 'replied', 'status', 'assigned', 'requester-comment'] as const;
type Kind = (typeof KINDS)[number];

const Payload = Type.Object({
  kind: Type.Union(KINDS.map((k) => Type.Literal(k))),
  ticketId: IdString,
  actorId: Type.Union([IdString, Type.Null()]),
  commentId: Type.Optional(IdString),
  status: Type.Optional(StatusSchema),
});
export interface TicketNotice { kind: Kind; ticketId: string; actorId: string | null; commentId?: string; status?: TicketStatus }

export const notifyTicketJob = defineJob({
  name: 'support.notifyTicket',
  payload: Payload,
  async handler(notice, job) {
    const ticket: TicketRow | undefined = await job.db(TICKETS).where({ id: notice.ticketId }).first();
    if (!ticket) return { sent: 0 };
    const comment: CommentRow | undefined = notice.commentId ? await job.db(COMMENTS).where({ id: notice.commentId, ticket_id: ticket.id }).first() : undefined;
    if (comment?.internal) return { sent: 0 };
    const ids = (await recipients(job, notice.kind, ticket)).filter((id) => id !== notice.actorId);
    return { sent: await mailPeople(job, ids, message(notice, ticket, comment, job)) };
  },
});

async function recipients(job: JobContext, kind: Kind, ticket: TicketRow): Promise<string[]> {
  const requester = ticket.requester_user_id === null ? [] : [String(ticket.requester_user_id)];
  const assignee = ticket.assignee_id === null ? [] : [String(ticket.assignee_id)];
  switch (kind) {
    case 'opened': return (await supportTeam(job)).filter((id) => !requester.includes(id));
    case 'replied': case 'status': return requester;
    case 'assigned': case 'requester-comment': return assignee;
  }
}

function message(notice: TicketNotice, ticket: TicketRow, comment: CommentRow | undefined, job: JobContext): { subject: string; text: string } {
  const tag = `[Ticket #${ticket.id}] ${ticket.subject}`;
  const mine = job.url(`/support/tickets/${ticket.id}`);
  const queue = job.url(`/admin/support/tickets/${ticket.id}`);
  switch (notice.kind) {
    case 'opened': return { subject: `New ticket: ${tag}`, text: `A new support ticket waits in the queue:\n\n${ticket.body}\n\n${queue}` };
    case 'replied': return { subject: `Reply: ${tag}`, text: `Support replied to your ticket:\n\n${comment?.body ?? ''}\n\nRead and answer it here:\n${mine}` };
    case 'status': return { subject: `Ticket ${notice.status ?? ticket.status}: ${tag}`, text: `Your ticket is now ${notice.status ?? ticket.status}.\n\n${mine}` };
    case 'assigned': return { subject: `Assigned to you: ${tag}`, text: `A support ticket is assigned to you:\n${queue}` };
    case 'requester-comment': return { subject: `Requester replied: ${tag}`, text: `The requester added a comment:\n\n${comment?.body ?? ''}\n\n${queue}` };
  }
}
