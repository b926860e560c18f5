// The CourseDirectory service other plugins resolve: courses by id and one person's enrollment state,
// read from the courses tables so that no other plugin needs to know them.
import type { PluginContext } from 'lectern';
import type { CourseDirectory, CourseStatus, EnrollmentRole, EnrollmentState } from './api';

const ID = /^[1-9][0-9]{0,17}$/;
const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function createCourseDirectory(ctx: PluginContext): CourseDirectory {
  return {
    async coursesById(ids) {
      const wanted = [...new Set(ids)].filter((id) => ID.test(id));
      if (!wanted.length) return new Map();
      const rows: { id: number; title: string; code: string; status: CourseStatus; category_id: number | null }[] =
        await ctx.db('courses_courses').whereIn('id', wanted).select('id', 'title', 'code', 'status', 'category_id');
      return new Map(rows.map((r) => [String(r.id), {
        id: String(r.id), title: r.title, code: r.code, status: r.status, categoryId: r.category_id === null ? null : String(r.category_id),
      }]));
    },
    async enrollment(courseId, userId): Promise<EnrollmentState | null> {
      if (!ID.test(courseId) || !ID.test(userId)) return null;
      const row: {
        role: EnrollmentRole; status: 'active' | 'unenrolled'; cycle: number; enrolled_at: Date; due_at: Date | null;
        required_done: number; required_items: number; completed_at: Date | null; expires_at: Date | null;
      } | undefined = await ctx.db('courses_enrollments as e').join('courses_courses as c', 'c.id', 'e.course_id')
        .leftJoin('courses_completions as k', (j) => j.on('k.enrollment_id', 'e.id').andOn('k.cycle', 'e.cycle'))
        .where({ 'e.course_id': courseId, 'e.user_id': userId })
        .first('e.role', 'e.status', 'e.cycle', 'e.enrolled_at', 'e.due_at', 'e.required_done', 'c.required_items', 'e.completed_at', 'k.expires_at');
      if (!row) return null;
      return {
        courseId, userId, role: row.role, status: row.status, cycle: row.cycle, enrolledAt: iso(row.enrolled_at) as string,
        dueAt: iso(row.due_at), requiredDone: row.required_done, requiredItems: row.required_items,
        completedAt: iso(row.completed_at), expiresAt: iso(row.expires_at),
      };
    },
  };
}
