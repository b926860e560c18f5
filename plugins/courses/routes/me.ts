// The caller's own courses: every course they are enrolled in with their standing (learners never see
// drafts or templates there; instructors do), and one course in detail — which items they completed in
// the current cycle and every completion they ever had, expired ones included. The list is read once
// and then served from memory until the person's enrollments or a course change (answers.ts).
import { defineRoute, notFound, Type } from 'lectern';
import { CourseParams, RoleSchema } from '../params';
import { byId } from '../cursors';
import { mine, toMine, type Mine } from '../model/mine';
import { CourseAnswersRef } from '../answers';
import { MyCourseDetail, MyCoursePage } from '../schemas';

export const meRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/me/courses', authenticated: true, summary: 'My courses, with my progress in each (newest enrollment first)',
    query: Type.Object({ role: Type.Optional(RoleSchema), ...byId.query }), responses: { 200: MyCoursePage },
    async handler(req) {
      const { role, limit, cursor } = req.query;
      const userId = req.principal.id;
      const rows = await req.resolve(CourseAnswersRef).learners.get(userId, JSON.stringify(req.query), async () => {
        const q = mine(req.db, userId).orderBy('e.id', 'desc').limit(limit + 1);
        if (role) q.where('e.role', role);
        if (cursor) q.where('e.id', '<', cursor[0]);
        return await q as Mine[];
      });
      return byId.page(rows, limit, toMine(req.now()), (r) => [Number(r.id)]);
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/me/courses/:id', authenticated: true, params: CourseParams,
    summary: 'My standing in one course: completed items of the current cycle and every completion', responses: { 200: MyCourseDetail },
    async handler(req) {
      const row: Mine | undefined = await mine(req.db, req.principal.id).where('e.course_id', req.params.id).first();
      if (!row) throw notFound(`you are not enrolled in course ${req.params.id}`);
      const [items, completions] = await Promise.all([
        req.db('courses_progress').where({ enrollment_id: row.id, cycle: row.cycle }).orderBy('completed_at').select('item_id', 'completed_at', 'score'),
        req.db('courses_completions').where({ enrollment_id: row.id }).orderBy('cycle').select('cycle', 'completed_at', 'expires_at', 'expired_at'),
      ]);
      const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());
      return {
        ...toMine(req.now())(row),
        completedItems: items.map((i: { item_id: number; completed_at: Date; score: number | null }) => ({ itemId: String(i.item_id), completedAt: iso(i.completed_at), score: i.score })),
        completions: completions.map((k: { cycle: number; completed_at: Date; expires_at: Date | null; expired_at: Date | null }) => ({
          cycle: k.cycle, completedAt: iso(k.completed_at), expiresAt: iso(k.expires_at), expiredAt: iso(k.expired_at),
        })),
      };
    },
  }),
];
