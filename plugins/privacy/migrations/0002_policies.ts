// Policies (privacy notice, terms of use) in numbered versions, and who accepted which version when.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('privacy_policy_versions', (t) => {
    t.bigIncrements('id');
    t.text('kind').notNullable();
    t.integer('version').notNullable();
    t.text('title').notNullable();
    t.text('body').notNullable();
    t.timestamp('published_at', { useTz: true }).notNullable();
    t.bigInteger('created_by');
    t.unique(['kind', 'version']);
  });
  await knex.schema.createTable('privacy_policy_acceptances', (t) => {
    t.bigInteger('user_id').notNullable();
    t.bigInteger('version_id').notNullable().references('privacy_policy_versions.id');
    t.timestamp('accepted_at', { useTz: true }).notNullable();
    t.primary(['user_id', 'version_id']);
  });
}
