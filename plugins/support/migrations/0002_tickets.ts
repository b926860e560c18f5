// Support tickets (SOP 4.7, ongoing support): a ticket a person opens, its thread of replies and internal
// notes, who works on it and since when the requester waits on support (the SLA age). Erasure keeps the
// rows without the person, so the queue's counts stay true; closed tickets are pruned after retention.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('support_tickets', (t) => {
    t.bigIncrements('id');
    t.text('subject').notNullable();
    t.text('body').notNullable();
    t.text('category');
    t.text('status').notNullable().defaultTo('open');
    // Who opened it; erasure clears it and replaces the subject and body.
    t.bigInteger('requester_user_id');
    t.bigInteger('assignee_id');
    t.timestamp('opened_at', { useTz: true }).notNullable();
    // Since when the requester's last word waits for support's; null while the ticket waits on the requester.
    t.timestamp('waiting_since', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.check(`status in ('open', 'pending', 'resolved', 'closed')`);
    t.index(['requester_user_id']);
    t.index(['assignee_id']);
    t.index(['status']);
  });
  await knex.raw(`create index support_tickets_closed on support_tickets (closed_at) where status = 'closed'`);

  await knex.schema.createTable('support_ticket_comments', (t) => {
    t.bigIncrements('id');
    t.bigInteger('ticket_id').notNullable().references('id').inTable('support_tickets').onDelete('CASCADE');
    t.bigInteger('author_user_id');
    // Written by support (not the requester); internal notes are never shown to the requester.
    t.boolean('from_support').notNullable();
    t.boolean('internal').notNullable().defaultTo(false);
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['ticket_id', 'id']);
    t.index(['author_user_id']);
  });
}
