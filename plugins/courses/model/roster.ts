// A course's enrollments as the enrollments admin page lists them: active or unenrolled, filtered by
// role, status and people (a search's matches), with each person's standing, name and email — one query for the page and
// one directory lookup for its users, keyset-paged by enrollment id.
import type { RouteRequest } from 'lectern';
import { byId } from '../cursors';
import { toEnrollment, type Standing } from './standing';
import { standingColumns } from './columns';
import { directory } from './users';
import type { EnrollmentRole } from '../api';

export type EnrollmentStatus = 'active' | 'unenrolled';

export interface RosterFilters { role?: EnrollmentRole; status?: EnrollmentStatus; userIds?: string[]; cursor?: [number] }

export async function roster(req: RouteRequest, courseId: string, f: RosterFilters, limit: number) {
  const q = req.db('courses_enrollments as e').join('courses_courses as c', 'c.id', 'e.course_id')
    .select(...standingColumns(req.db), 'e.status').where('e.course_id', courseId).orderBy('e.id').limit(limit + 1);
  if (f.role) q.where('e.role', f.role);
  if (f.status) q.where('e.status', f.status);
  if (f.userIds) q.whereIn('e.user_id', f.userIds);
  if (f.cursor) q.where('e.id', '>', f.cursor[0]);
  const rows: (Standing & { status: EnrollmentStatus })[] = await q;
  const users = await directory(req).usersById(rows.slice(0, limit).map((r) => String(r.user_id)));
  const now = req.now();
  return byId.page(rows, limit, (r) => {
    const user = users.get(String(r.user_id));
    return { ...toEnrollment(r, now), status: r.status, name: user?.name ?? null, email: user?.email ?? null };
  }, (r) => [Number(r.id)]);
}
