// The enrollments of a course with each learner's standing and their name and email, one page at a
// time: one query for the page and one directory lookup for its users.
import type { RouteRequest } from 'lectern';
import { byId } from '../cursors';
import { toEnrollment, type Standing } from './standing';
import { standingColumns } from './columns';
import { directory } from './users';
import type { EnrollmentRole } from '../api';

export async function courseEnrollments(req: RouteRequest, courseId: string, f: { role?: EnrollmentRole; limit: number; cursor?: [number] }) {
  const q = req.db('courses_enrollments as e').join('courses_courses as c', 'c.id', 'e.course_id').select(standingColumns(req.db))
    .where({ 'e.course_id': courseId, 'e.status': 'active' }).orderBy('e.id').limit(f.limit + 1);
  if (f.role) q.where('e.role', f.role);
  if (f.cursor) q.where('e.id', '>', f.cursor[0]);
  const rows: Standing[] = await q;
  const users = await directory(req).usersById(rows.slice(0, f.limit).map((r) => String(r.user_id)));
  const now = req.now();
  return byId.page(rows, f.limit, (r) => {
    const user = users.get(String(r.user_id));
    return { ...toEnrollment(r, now), name: user?.name ?? null, email: user?.email ?? null };
  }, (r) => [Number(r.id)]);
}
