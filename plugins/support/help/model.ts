// The help center's rows and queries: an article row as the API shows it, the visibility filter (the same
// rule as viewer.ts's canSee, in SQL), full-text search ranked by relevance, and feedback counts.
import { badRequest, notFound, type Knex } from 'lectern';
import type { Viewer } from './viewer';
import type { ArticleAnswer, Kind } from './schemas';

export const ARTICLES = 'support_help_articles';
export const FEEDBACK = 'support_help_feedback';
export const STARTERS = 'support_help_starters';
/** Every column but the search vector. */
export const COLUMNS = ['id', 'kind', 'slug', 'title', 'body', 'category', 'tags', 'roles', 'pages', 'published', 'author_id', 'created_at', 'updated_at'].map((c) => `a.${c}`);

export interface ArticleRow {
  id: string | number; kind: Kind; slug: string; title: string; body: string; category: string;
  tags: string[]; roles: string[]; pages: string[]; published: boolean; author_id: string | number | null;
  created_at: Date | string; updated_at: Date | string; rank?: string;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export function toArticle(r: ArticleRow): ArticleAnswer {
  return {
    id: String(r.id), kind: r.kind, slug: r.slug, title: r.title, body: r.body, category: r.category,
    tags: r.tags, roles: r.roles, pages: r.pages, published: r.published,
    authorId: r.author_id === null ? null : String(r.author_id), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

/** Only what `viewer` may see: everything to a manager; else published articles naming none of the roles or one the viewer holds. */
export function visibleTo(q: Knex.QueryBuilder, viewer: Viewer): Knex.QueryBuilder {
  if (viewer.manager) return q;
  return q.where('a.published', true).where((w) => w.whereRaw(`a.roles = '[]'::jsonb`).orWhereRaw(
    'exists (select 1 from jsonb_array_elements_text(a.roles) as r(key) where r.key in (select jsonb_array_elements_text(?::jsonb)))',
    [JSON.stringify(viewer.roles)],
  ));
}

export interface ListFilter { q?: string; kind?: Kind; category?: string; tag?: string }

const RANK = `round(ts_rank(a.search, websearch_to_tsquery('english', ?))::numeric, 6)`;

/**
 * A page of the articles `viewer` may see, `limit + 1` rows: with a search text, those matching it by
 * relevance (the rank, then id); without, by title.
 */
export function listArticles(db: Knex, viewer: Viewer, filter: ListFilter, limit: number, cursor: [string, number] | undefined): Knex.QueryBuilder {
  const q = visibleTo(db(`${ARTICLES} as a`).select(COLUMNS), viewer).limit(limit + 1);
  if (filter.kind) q.where('a.kind', filter.kind);
  if (filter.category) q.where('a.category', filter.category);
  if (filter.tag) q.whereRaw('a.tags @> ?::jsonb', [JSON.stringify([filter.tag])]);
  const text = filter.q;
  if (!text) {
    if (cursor) q.whereRaw('(a.title, a.id) > (?, ?)', cursor);
    return q.orderBy([{ column: 'a.title' }, { column: 'a.id' }]);
  }
  // A search's cursor holds a rank: anything else (a cursor of the title order, or made up) is the client's mistake.
  if (cursor && !/^\d{1,3}(\.\d{1,6})?$/.test(cursor[0])) throw badRequest('The cursor is not one of this search.', [{ path: 'query.cursor', message: 'is not a cursor of this search' }]);
  q.select(db.raw(`${RANK}::text as rank`, [text])).whereRaw(`a.search @@ websearch_to_tsquery('english', ?)`, [text]);
  if (cursor) q.whereRaw(`(${RANK} < ?::numeric or (${RANK} = ?::numeric and a.id > ?))`, [text, cursor[0], text, cursor[0], cursor[1]]);
  return q.orderByRaw(`${RANK} desc, a.id asc`, [text]);
}

/** The cursor key of a listed row (see listArticles). */
export const keyOf = (searching: boolean) => (r: ArticleRow): [string, number] => [searching ? String(r.rank) : r.title, Number(r.id)];

/** One article `viewer` may see, by id or slug; anything else is a 404, as if it did not exist. */
export async function loadArticle(db: Knex, viewer: Viewer, by: { id: string } | { slug: string }): Promise<ArticleRow> {
  const where = 'id' in by ? { 'a.id': by.id } : { 'a.slug': by.slug };
  const row = await visibleTo(db(`${ARTICLES} as a`).select(COLUMNS).where(where), viewer).first() as ArticleRow | undefined;
  if (!row) throw notFound('No such help article.');
  return row;
}

/** "Was this helpful" answers per article. */
export async function feedbackCounts(db: Knex, ids: readonly string[]): Promise<Map<string, { helpful: number; notHelpful: number }>> {
  const counts = new Map<string, { helpful: number; notHelpful: number }>();
  if (!ids.length) return counts;
  const rows: { article_id: string | number; helpful: number; not_helpful: number }[] = await db(FEEDBACK).whereIn('article_id', ids).groupBy('article_id')
    .select('article_id', db.raw('(count(*) filter (where helpful))::int as helpful'), db.raw('(count(*) filter (where not helpful))::int as not_helpful'));
  for (const r of rows) counts.set(String(r.article_id), { helpful: r.helpful, notHelpful: r.not_helpful });
  return counts;
}

/** The categories of the articles `viewer` may see, for the help page's filter. */
export async function categories(db: Knex, viewer: Viewer): Promise<string[]> {
  const rows: { category: string }[] = await visibleTo(db(`${ARTICLES} as a`), viewer).where('a.category', '<>', '').distinct('a.category').orderBy('a.category');
  return rows.map((r) => r.category);
}
