// The course list: learners see the published courses they may view (a role granting courses:view at
// the course, its category or the system); whoever may update a course also sees it as a draft, archived
// or template, so managers see all. Search by title, code or summary; filter by category, status and
// template; ordered by title with keyset pagination. Answers are served from memory (answers.ts).
import { containsPattern, defineRoute, Type, type Knex, type RouteRequest, type Static } from 'lectern';
import { coursePermissions } from '../permissions';
import { IdString, CourseStatusSchema } from '../params';
import { byTitle } from '../cursors';
import { toCourse, type CourseRow } from '../model/courses';
import { courseColumns } from '../model/columns';
import { isEmpty, scopeOf, whereInScope, type Scope } from '../model/scope';
import { CourseAnswersRef } from '../answers';
import { CoursePage } from '../schemas';

/** Published courses in the view scope, plus anything in the edit scope. */
function whereVisible(q: Knex.QueryBuilder, view: Scope, edit: Scope): void {
  if (edit.all) return;
  q.where((w) => {
    if (!isEmpty(view)) w.orWhere((v) => { v.where({ 'c.status': 'published', 'c.is_template': false }); whereInScope(v, view); });
    if (!isEmpty(edit)) w.orWhere((u) => whereInScope(u, edit));
    if (isEmpty(view) && isEmpty(edit)) w.whereRaw('false');
  });
}


const CatalogQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  categoryId: Type.Optional(IdString),
  status: Type.Optional(CourseStatusSchema),
  isTemplate: Type.Optional(Type.Boolean()),
  ...byTitle.query,
});

async function catalogPage(req: RouteRequest, query: Static<typeof CatalogQuery>, view: Scope, edit: Scope) {
  const { q: text, categoryId, status, isTemplate, limit, cursor } = query;
  const q = req.db('courses_courses as c').select(courseColumns(req.db)).orderBy([{ column: 'c.title' }, { column: 'c.id' }]).limit(limit + 1);
  whereVisible(q, view, edit);
  if (status) q.where('c.status', status);
  if (categoryId) q.where('c.category_id', categoryId);
  if (isTemplate !== undefined) q.where('c.is_template', isTemplate);
  if (text?.trim()) {
    const pattern = containsPattern(text.trim());
    q.where((w) => w.whereILike('c.title', pattern).orWhereILike('c.code', pattern).orWhereILike('c.summary', pattern));
  }
  if (cursor) q.whereRaw('(c.title, c.id) > (?::text, ?::bigint)', cursor);
  return byTitle.page(await q as CourseRow[], limit, toCourse, (r) => [r.title, Number(r.id)]);
}

export const catalogRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/courses', authenticated: true, summary: 'The course catalog: what the caller may see',
    query: CatalogQuery, responses: { 200: CoursePage },
    async handler(req) {
      const [view, edit] = await Promise.all([scopeOf(req, coursePermissions.view), scopeOf(req, coursePermissions.update)]);
      return req.resolve(CourseAnswersRef).catalog.get('', JSON.stringify([view, edit, req.query]), () => catalogPage(req, req.query, view, edit));
    },
  }),
];
