// The tickets' JSON shapes: what the API takes (a new ticket, a change, a comment, the list's filters) and
// what it answers (a ticket with its SLA age, a comment, a ticket with its thread).
import { named, pageOf, Type, type Static } from 'lectern';

export const IdString = Type.String({ pattern: '^[0-9]{1,18}$' });
const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const STATUSES = ['open', 'pending', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof STATUSES)[number];
export const StatusSchema = Type.Union(STATUSES.map((s) => Type.Literal(s)));

export const NewTicketBody = Type.Object({
  subject: Type.String({ minLength: 1, maxLength: 200 }),
  body: Type.String({ minLength: 1, maxLength: 20_000 }),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
}, { additionalProperties: false });
export type NewTicket = Static<typeof NewTicketBody>;

export const TicketChangeBody = Type.Object({
  status: Type.Optional(StatusSchema),
  assigneeId: Type.Optional(Nullable(IdString)),
}, { additionalProperties: false, minProperties: 1 });
export type TicketChange = Static<typeof TicketChangeBody>;

export const CommentBody = Type.Object({
  body: Type.String({ minLength: 1, maxLength: 20_000 }),
  internal: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
export type NewComment = Static<typeof CommentBody>;

export const TicketFilters = {
  status: Type.Optional(StatusSchema),
  assigneeId: Type.Optional(IdString),
  assigned: Type.Optional(Type.Union([Type.Literal('mine'), Type.Literal('unassigned')])),
  dir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { description: 'By age: asc is oldest first (the default).' })),
};

const TicketFields = {
  id: IdString, subject: Type.String(), body: Type.String(), category: Nullable(Type.String()), status: StatusSchema,
  requesterId: Nullable(IdString), assigneeId: Nullable(IdString),
  openedAt: Iso, updatedAt: Iso, closedAt: Nullable(Iso), waitingSince: Nullable(Iso),
  ageHours: Type.Number({ description: 'Hours since the ticket was opened.' }),
  waitingHours: Nullable(Type.Number({ description: 'Hours the requester has waited on support; null while support waits on the requester.' })),
  overSla: Type.Boolean({ description: 'The requester has waited longer than the SLA target (the setting slaHours).' }),
};
export const Ticket = named('SupportTicket', Type.Object(TicketFields));
export type TicketOut = Static<typeof Ticket>;

export const Comment = named('SupportTicketComment', Type.Object({
  id: IdString, authorId: Nullable(IdString), body: Type.String(), internal: Type.Boolean(), fromSupport: Type.Boolean(), createdAt: Iso,
}));
export type CommentOut = Static<typeof Comment>;

export const TicketDetail = named('SupportTicketDetail', Type.Object({ ...TicketFields, comments: Type.Array(Comment) }));
export const TicketPage = pageOf(Ticket);
