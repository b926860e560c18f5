// Data-protection requests (SOP 4.8): a person's export or erasure, asked for by them (pending until a
// privacy manager approves it) or by a privacy manager (approved at once). An export's bundle is a file in
// the core storage under `file_key` until `expires_at`; an erasure's row stays as the record that it was done.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('privacy_requests', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable();
    t.text('type').notNullable();
    t.text('status').notNullable();
    t.bigInteger('requested_by');
    t.bigInteger('decided_by');
    t.text('reason');
    t.text('file_key');
    t.bigInteger('file_size');
    t.text('error');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('decided_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true });
    t.index(['user_id', 'id']);
    t.index(['status', 'id']);
  });
  // At most one open request of each type per person.
  await knex.raw(`create unique index privacy_requests_open on privacy_requests (user_id, type) where status in ('pending', 'approved')`);
}
