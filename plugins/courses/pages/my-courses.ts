// "My courses" (/my/courses): the courses the caller is enrolled in as a learner, newest first, with
// progress, due date and state (overdue and expired stand out). Drafts and templates are left out, as
// in /api/v1/me/courses.
import { defineRoute } from 'lectern';
import { mine, toMine, type Mine } from '../model/mine';
import { withStateLabel } from './states';

const LIMIT = 200;

export const myCoursesPageRoutes = [
  defineRoute({
    method: 'GET', path: '/my/courses', authenticated: true, html: true, summary: 'My courses with my progress (page)',
    async handler(req) {
      const rows: Mine[] = await mine(req.db, req.principal.id).where('e.role', 'learner').orderBy('e.id', 'desc').limit(LIMIT);
      const enrollments = rows.map(toMine(req.now())).map(withStateLabel);
      return req.page('courses/my-courses', { title: 'My courses', enrollments, truncated: rows.length === LIMIT });
    },
  }),
];
