// The help center's schema: articles (guides and FAQs, Markdown, visible to the roles they name), one
// "was this helpful" answer per person and article, and the starter guides already created once (so an
// administrator's edit or deletion of one is never undone at the next start).
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('support_help_articles', (t) => {
    t.bigIncrements('id');
    t.text('kind').notNullable();
    t.text('slug').notNullable().unique();
    t.text('title').notNullable();
    t.text('body').notNullable();
    t.text('category').notNullable().defaultTo('');
    // JSON arrays of strings: tags, role keys (empty: every signed-in person) and route patterns.
    t.jsonb('tags').notNullable().defaultTo('[]');
    t.jsonb('roles').notNullable().defaultTo('[]');
    t.jsonb('pages').notNullable().defaultTo('[]');
    t.boolean('published').notNullable().defaultTo(true);
    // Null for the starter guides, and once the author's personal data is erased.
    t.bigInteger('author_id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['title', 'id'], 'support_help_articles_title');
  });
  await knex.raw(`alter table support_help_articles add constraint support_help_articles_kind check (kind in ('guide', 'faq'))`);
  // Full-text search: the title weighs most, then the category and tags, then the body.
  await knex.raw(`alter table support_help_articles add column search tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, title), 'A')
    || setweight(to_tsvector('english'::regconfig, category || ' ' || (tags #>> '{}')), 'B')
    || setweight(to_tsvector('english'::regconfig, body), 'C')) stored`);
  await knex.raw('create index support_help_articles_search on support_help_articles using gin (search)');

  await knex.schema.createTable('support_help_feedback', (t) => {
    t.bigInteger('article_id').notNullable().references('id').inTable('support_help_articles').onDelete('CASCADE');
    t.bigInteger('user_id').notNullable();
    t.boolean('helpful').notNullable();
    t.text('comment');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.primary(['article_id', 'user_id']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('support_help_starters', (t) => {
    t.text('slug').primary();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
}
