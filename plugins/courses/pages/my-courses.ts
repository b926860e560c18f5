// "My courses" (/my/courses): the courses the caller is enrolled in as a learner, newest first, with
// progress, due date and state (overdue and expired stand out). Drafts and templates are left out, as
// in /api/v1/me/courses.
import { defineRoute } from 'lectern';
import { courseObject, standingColumns } from '../model/columns';
import { toCourse, type CourseRow } from '../model/courses';
import { toEnrollment, type Standing } from '../model/standing';
import { withStateLabel } from './states';

const LIMIT = 200;

export const myCoursesPageRoutes = [
  defineRoute({
    method: 'GET', path: '/my/courses', authenticated: true, html: true, summary: 'My courses with my progress (page)',
    async handler(req) {
      const rows: (Standing & { course: CourseRow })[] = await req.db('courses_enrollments as e').join('courses_courses as c', 'c.id', 'e.course_id')
        .select(...standingColumns(req.db), courseObject(req.db, 'course'))
        .where({ 'e.user_id': req.principal?.id as string, 'e.status': 'active', 'e.role': 'learner', 'c.is_template': false })
        .whereNot('c.status', 'draft').orderBy('e.id', 'desc').limit(LIMIT);
      const now = req.now();
      const enrollments = rows.map((r) => ({ ...withStateLabel(toEnrollment(r, now)), course: toCourse(r.course) }));
      return req.page('courses/my-courses', { title: 'My courses', enrollments, truncated: rows.length === LIMIT });
    },
  }),
];
