// The learner catalog (/courses): the published courses the caller may view (courses:view at the
// course, its category or the system), searchable and filtered by category, a page at a time.
import { defineRoute, Type } from 'lectern';
import { coursePermissions } from '../permissions';
import { scopeOf, whereInScope } from '../model/scope';
import { categoryOptions, ListQuery, listCourses } from './listing';

export const catalogPageRoutes = [
  defineRoute({
    method: 'GET', path: '/courses', authenticated: true, html: true, summary: 'The course catalog (page)',
    query: Type.Object(ListQuery),
    async handler(req) {
      const scope = await scopeOf(req, coursePermissions.view);
      const [list, categories] = await Promise.all([
        listCourses(req.db, '/courses', req.query, (q) => {
          q.where({ 'c.status': 'published', 'c.is_template': false });
          whereInScope(q, scope);
        }),
        categoryOptions(req.db),
      ]);
      return req.page('courses/catalog', { title: 'Courses', ...list, categories });
    },
  }),
];
