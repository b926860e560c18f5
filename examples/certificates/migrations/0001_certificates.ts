// The plugin's one table: a certificate per learner, course and completion cycle. Course title and
// learner name are copied at issue time, because a certificate states what was true when it was issued.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('certificates_certificates', (t) => {
    t.bigIncrements('id');
    t.text('course_id').notNullable();
    t.text('user_id').notNullable();
    t.integer('cycle').notNullable();
    t.text('code').notNullable().unique();
    t.text('course_title').notNullable();
    // Null once the learner's data is erased (privacy.ts): the certificate itself stays verifiable.
    t.text('learner_name');
    t.timestamp('completed_at', { useTz: true }).notNullable();
    t.timestamp('issued_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.text('revoked_by');
    t.text('revoke_reason');
    t.binary('pdf');
    t.timestamp('rendered_at', { useTz: true });
    // A delivery of the same completion run twice issues once.
    t.unique(['course_id', 'user_id', 'cycle']);
    t.index(['user_id', 'id']);
    t.index(['course_id', 'id']);
  });
}
