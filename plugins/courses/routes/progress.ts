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


export const progressRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/items/:itemId/complete', authenticated: true, params: CourseItemParams,
    body: Type.Object({ score: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })) }, { additionalProperties: false }),
    summary: 'Complete an item as an enrolled learner (optionally with a score, 0–100)',
    async handler(req) {
      const { id, itemId } = req.params;
      const userId = req.principal?.id as string;
      const now = req.now();
      const score = req.body.score ?? null;
      const done = await req.transaction(async (tx) => {
        const attempt = await recordItem(tx, { courseId: id, userId, itemId }, now, score);
        if (!attempt) throw forbidden(`You are not enrolled in course ${id} as a learner.`);
        if (attempt.status === 'draft' || attempt.is_template) throw notFound(`course ${id} does not exist`);
        if (attempt.status === 'archived') throw conflict(`course ${id} is archived; its progress is closed`);
        if (!attempt.item_found) throw notFound(`course ${id} has no item ${itemId}`);
        const { recorded } = attempt;
        if (!recorded) return { attempt, courseCompleted: false };
        await tx.audit({ action: 'courses.item.complete', target: { type: 'course', id }, details: { itemId, cycle: recorded.cycle, score } });
        tx.emit(itemCompleted, { courseId: id, itemId, userId, cycle: recorded.cycle, score, completedAt: now.toISOString() });
        return { attempt, courseCompleted: (await completeSatisfied(tx, id, now, attempt.enrollment_id)) > 0 };
      });
      const row: ProgressRow | undefined = done.attempt.recorded ?? await req.db('courses_progress as p')
        .join('courses_enrollments as e', (j) => j.on('e.id', 'p.enrollment_id').andOn('e.cycle', 'p.cycle'))
        .where({ 'e.id': done.attempt.enrollment_id, 'p.item_id': itemId }).first('p.cycle', 'p.completed_at', 'p.score');
      if (!row) throw conflict('Your enrollment changed while this was recorded; try again.');
      const courseCompletedAt = done.courseCompleted ? now : done.attempt.completed_at;
      const body = {
        courseId: id, itemId, cycle: row.cycle, completedAt: new Date(row.completed_at).toISOString(), score: row.score,
        courseCompletedAt: courseCompletedAt ? new Date(courseCompletedAt).toISOString() : null,
      };
      return done.attempt.recorded ? reply.created(body) : reply.ok(body);
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
