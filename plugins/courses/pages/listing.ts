// The course lists of the pages (catalog and admin): search by title, code or summary, a category
// filter, ordered by title with keyset pages whose links keep the filters (the API's cursor format).
import { containsPattern, pagerLinks, Type, type Knex } from 'lectern';
import { IdString } from '../params';
import { byTitle } from '../cursors';
import { courseColumns } from '../model/columns';
import { toCourse, type CourseRow } from '../model/courses';

export const PAGE_SIZE = 50;

export const ListQuery = {
  q: Type.Optional(Type.String({ maxLength: 200 })),
  category: Type.Optional(Type.Union([Type.Literal(''), IdString])),
  cursor: byTitle.cursor,
};

export interface ListFilters { q?: string; category?: string; cursor?: [string, number] }

/** One page of courses matching the filters, within `where`, and the pager links for `path`. */
export async function listCourses(db: Knex, path: string, f: ListFilters, where: (q: Knex.QueryBuilder) => void) {
  const q = db('courses_courses as c').select(courseColumns(db)).orderBy([{ column: 'c.title' }, { column: 'c.id' }]).limit(PAGE_SIZE + 1);
  where(q);
  const text = f.q?.trim();
  if (text) q.where((w) => w.whereILike('c.title', containsPattern(text)).orWhereILike('c.code', containsPattern(text)).orWhereILike('c.summary', containsPattern(text)));
  if (f.category) q.where('c.category_id', f.category);
  if (f.cursor) q.whereRaw('(c.title, c.id) > (?::text, ?::bigint)', f.cursor);
  const result = byTitle.page(await q as CourseRow[], PAGE_SIZE, toCourse, (r) => [r.title, Number(r.id)]);
  const filters = { q: text, category: f.category };
  return { courses: result.items, pager: pagerLinks(path, filters, result.nextCursor, f.cursor !== undefined), filters };
}

/** Every category, by name, for the filter and form selects. */
export async function categoryOptions(db: Knex) {
  const rows: { id: number; name: string }[] = await db('courses_categories').orderBy('name').limit(1000).select('id', 'name');
  return rows.map((r) => ({ id: String(r.id), name: r.name }));
}
