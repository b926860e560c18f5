// What this plugin offers other plugins: the courses plugin's content source (`content:<id>` items,
// opened at this plugin's view page, and the lessons `lectern seed` places) and the ContentLibrary service.
import { containsPattern, contribute, type Knex } from 'lectern';
import { contentSources, type ContentInfo } from 'lectern/courses';
import type { ContentLibrary, PublishedContent } from './api';
import { isId } from './model/items';
import { ITEMS, VERSIONS, type ItemRow } from './model/rows';
import { seedLessons } from './seed';

type PublishedRow = Pick<ItemRow, 'id' | 'type' | 'published_version'> & { title: string; published_at: Date | null };

/** Items with the title of their published version (the working title for never-published ones). */
const withPublishedTitle = (db: Knex) => db(`${ITEMS} as i`)
  .leftJoin(`${VERSIONS} as v`, (j) => j.on('v.item_id', 'i.id').andOn('v.number', 'i.published_version'))
  .select('i.id', 'i.type', 'i.published_version', db.raw('coalesce(v.title, i.title) as title'), 'v.reviewed_at as published_at');

const info = (r: PublishedRow): ContentInfo => ({ id: String(r.id), title: r.title, published: r.published_version !== null });

export const contentSource = contribute(contentSources, {
  type: 'content',
  async lookup(ids, ctx) {
    const wanted = [...new Set(ids)].filter(isId);
    if (!wanted.length) return new Map();
    const rows: PublishedRow[] = await withPublishedTitle(ctx.db).whereIn('i.id', wanted);
    return new Map(rows.map((r) => [String(r.id), info(r)]));
  },
  viewPath: (courseId, itemId) => `/courses/${courseId}/items/${itemId}/view`,
  async published(ctx, { q, limit }) {
    const query = withPublishedTitle(ctx.db).whereNotNull('i.published_version').orderBy([{ column: 'title' }, { column: 'i.id' }]).limit(limit);
    if (q?.trim()) query.whereILike('v.title', containsPattern(q.trim()));
    return (await query as PublishedRow[]).map(info);
  },
  seed: seedLessons,
});

export function createLibrary(db: Knex): ContentLibrary {
  return {
    async published(ids) {
      const wanted = [...new Set(ids)].filter(isId);
      if (!wanted.length) return new Map();
      const rows: PublishedRow[] = await withPublishedTitle(db).whereIn('i.id', wanted).whereNotNull('i.published_version');
      return new Map(rows.map((r): [string, PublishedContent] => [String(r.id), {
        id: String(r.id), type: r.type, title: r.title, version: r.published_version as number,
        publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
      }]));
    },
  };
}
