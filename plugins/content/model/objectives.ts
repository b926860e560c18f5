// Learning objectives and their coverage: an objective is covered by the published content linked to
// it, and through that content by every course that places it. The list flags objectives nothing
// published covers, so gaps in the training are visible.
import { notFound, type Knex, type PluginContext } from 'lectern';
import { CourseDirectoryRef } from 'lectern/courses';
import { byTitle } from '../cursors';
import { isId } from './items';
import { ITEMS, LINKS, OBJECTIVES } from './rows';

interface ObjectiveRow { id: string | number; code: string; title: string; description: string; created_at: Date; updated_at: Date; covered_by?: string | number }

const toObjective = (r: ObjectiveRow) => ({
  id: String(r.id), code: r.code, title: r.title, description: r.description,
  publishedContent: Number(r.covered_by ?? 0), createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
});
export type Objective = ReturnType<typeof toObjective>;

/** How many published items cover each objective. */
const coveredBy = (db: Knex) => db(`${LINKS} as l`).join(`${ITEMS} as i`, 'i.id', 'l.item_id')
  .whereNotNull('i.published_version').whereRaw('l.objective_id = o.id').count('*');

export async function objectiveRow(db: Knex, id: string): Promise<Objective> {
  const row: ObjectiveRow | undefined = isId(id) ? await db(`${OBJECTIVES} as o`).where('o.id', id).first('o.*', coveredBy(db).as('covered_by')) : undefined;
  if (!row) throw notFound(`objective ${id} does not exist`);
  return toObjective(row);
}

/** Objectives by code; `uncovered` keeps only those no published content covers. */
export async function listObjectives(db: Knex, f: { q?: string; uncovered?: boolean; limit: number; cursor?: [string, number] }) {
  const q = db(`${OBJECTIVES} as o`).select('o.*', coveredBy(db).as('covered_by')).orderBy([{ column: 'o.code' }, { column: 'o.id' }]).limit(f.limit + 1);
  if (f.q?.trim()) q.where((w) => w.whereILike('o.code', `%${f.q?.trim()}%`).orWhereILike('o.title', `%${f.q?.trim()}%`));
  if (f.uncovered) q.whereNotExists(coveredBy(db).clearSelect().select(db.raw('1')));
  if (f.cursor) q.whereRaw('(o.code, o.id) > (?, ?)', f.cursor);
  const rows: ObjectiveRow[] = await q;
  return byTitle.page(rows, f.limit, toObjective, (r) => [r.code, Number(r.id)]);
}

/** The published content linked to an objective and the courses placing it. */
export async function coverage(ctx: PluginContext, id: string) {
  const objective = await objectiveRow(ctx.db, id);
  const items: { id: string | number; type: string; title: string; published_version: number }[] = await ctx.db(`${LINKS} as l`)
    .join(`${ITEMS} as i`, 'i.id', 'l.item_id').where('l.objective_id', id).whereNotNull('i.published_version')
    .orderBy([{ column: 'i.title' }, { column: 'i.id' }]).select('i.id', 'i.type', 'i.title', 'i.published_version');
  const placements = await ctx.resolve(CourseDirectoryRef).placements(items.map((i) => `content:${i.id}`));
  const courses = new Map<string, { id: string; title: string; code: string; status: string; contentIds: string[] }>();
  for (const p of placements) {
    const course = courses.get(p.courseId) ?? { id: p.courseId, title: p.courseTitle, code: p.courseCode, status: p.courseStatus, contentIds: [] };
    const contentId = p.contentId.slice('content:'.length);
    if (!course.contentIds.includes(contentId)) course.contentIds.push(contentId);
    courses.set(p.courseId, course);
  }
  return {
    objective,
    content: items.map((i) => ({ id: String(i.id), type: i.type, title: i.title, publishedVersion: i.published_version })),
    courses: [...courses.values()],
    covered: items.length > 0,
  };
}
