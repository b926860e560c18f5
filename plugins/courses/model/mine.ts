// A person's own enrollments joined with their courses, as they may see them: learners never see
// drafts or templates, instructors do. Shared by GET /api/v1/me/courses and the "My courses" page.
// A caller from another identity provider (no account id) has no enrollments.
import type { Knex } from 'lectern';
import { toCourse, type CourseRow } from './courses';
import { toEnrollment, type Standing } from './standing';
import { courseObject, standingColumns } from './columns';
import { isId } from '../params';

export type Mine = Standing & { course: CourseRow };

export function mine(db: Knex, userId: string): Knex.QueryBuilder {
  const q = db('courses_enrollments as e').join('courses_courses as c', 'c.id', 'e.course_id')
    .select(...standingColumns(db), courseObject(db, 'course'))
    .where({ 'e.status': 'active' })
    .andWhere((w) => w.where('e.role', 'instructor').orWhere((l) => l.whereNot('c.status', 'draft').andWhere('c.is_template', false)));
  return isId(userId) ? q.where('e.user_id', userId) : q.whereRaw('false');
}

export const toMine = (now: Date) => (r: Mine) => ({ ...toEnrollment(r, now), course: toCourse(r.course) });
