// Progress: an enrolled learner completes items (idempotently; completing twice changes nothing) and the
// course completes itself from its required items; instructors (courses:monitor) see every learner's
// standing. Learners see only their own, through /api/v1/me/courses.
import { conflict, defineRoute, forbidden, notFound, pageQuery, reply, Type } from 'lectern';
import { coursePermissions } from '../permissions';
import { CourseItemParams, CourseParams, courseContext } from '../params';
import { getCourse } from '../model/courses';
import { completeSatisfied, recordItem, type ProgressRow } from '../model/progress';
import { courseEnrollments } from '../model/listing';
import { itemCompleted } from '../api';

interface Found { id: number; completed_at: Date | null; status: string; is_template: boolean; item_id: number | null }

export const progressRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/items/:itemId/complete', authenticated: true, params: CourseItemParams,
    body: Type.Object({ score: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })) }, { additionalProperties: false }),
    summary: 'Complete an item as an enrolled learner (optionally with a score, 0–100)',
    async handler(req) {
      const { id, itemId } = req.params;
      const userId = req.principal?.id as string;
      const found: Found | undefined = await req.db('courses_enrollments as e').join('courses_courses as c', 'c.id', 'e.course_id')
        .leftJoin('courses_items as i', (j) => j.on('i.course_id', 'e.course_id').andOnVal('i.id', itemId))
        .where({ 'e.course_id': id, 'e.user_id': userId, 'e.status': 'active', 'e.role': 'learner' })
        .first('e.id', 'e.completed_at', 'c.status', 'c.is_template', 'i.id as item_id');
      if (!found) throw forbidden(`You are not enrolled in course ${id} as a learner.`);
      if (found.status === 'draft' || found.is_template) throw notFound(`course ${id} does not exist`);
      if (found.status === 'archived') throw conflict(`course ${id} is archived; its progress is closed`);
      if (found.item_id === null) throw notFound(`course ${id} has no item ${itemId}`);
      const now = req.now();
      const score = req.body.score ?? null;
      const recorded = await req.transaction(async (tx) => {
        const row = await recordItem(tx, found.id, itemId, now, score);
        if (!row) return null;
        await tx.audit({ action: 'courses.item.complete', target: { type: 'course', id }, details: { itemId, cycle: row.cycle, score } });
        tx.emit(itemCompleted, { courseId: id, itemId, userId, cycle: row.cycle, score, completedAt: now.toISOString() });
        return { row, courseCompleted: (await completeSatisfied(tx, id, now, found.id)) > 0 };
      });
      const row: ProgressRow | undefined = recorded?.row ?? await req.db('courses_progress as p').join('courses_enrollments as e', (j) => j.on('e.id', 'p.enrollment_id').andOn('e.cycle', 'p.cycle'))
        .where({ 'e.id': found.id, 'p.item_id': itemId }).first('p.cycle', 'p.completed_at', 'p.score');
      if (!row) throw conflict('Your enrollment changed while this was recorded; try again.');
      const courseCompletedAt = recorded?.courseCompleted ? now : found.completed_at;
      const body = {
        courseId: id, itemId, cycle: row.cycle, completedAt: new Date(row.completed_at).toISOString(), score: row.score,
        courseCompletedAt: courseCompletedAt ? new Date(courseCompletedAt).toISOString() : null,
      };
      return recorded ? reply.created(body) : reply.ok(body);
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/courses/:id/progress', permission: coursePermissions.monitor, context: courseContext, params: CourseParams,
    query: Type.Object(pageQuery), summary: "Every learner's standing in a course",
    async handler(req) {
      await getCourse(req.db, req.params.id);
      return courseEnrollments(req, req.params.id, { ...req.query, role: 'learner' });
    },
  }),
];
