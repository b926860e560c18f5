// Progress: an enrolled learner completes items (idempotently; completing twice changes nothing) and the
// course completes itself from its required items; instructors (courses:monitor) see every learner's
// standing. Learners see only their own, through /api/v1/me/courses.
import { defineRoute, reply, Type } from 'lectern';
import { byId } from '../cursors';
import { coursePermissions } from '../permissions';
import { CourseItemParams, CourseParams, inCourse } from '../params';
import { getCourse } from '../model/courses';
import { completeItem } from '../actions/progress';
import { courseEnrollments } from '../model/listing';
import { ItemCompletion, RosterPage } from '../schemas';

export const progressRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/items/:itemId/complete', authenticated: true, params: CourseItemParams,
    body: Type.Object({ score: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })) }, { additionalProperties: false }),
    summary: 'Complete an item as an enrolled learner (optionally with a score, 0–100)',
    responses: { 201: ItemCompletion, 200: ItemCompletion }, errors: [409],
    async handler(req) {
      const { id, itemId } = req.params;
      const { recorded, ...done } = await completeItem(req, { courseId: id, itemId, userId: req.principal.id, score: req.body.score, ip: req.ip });
      const body = { courseId: id, itemId, ...done };
      return recorded ? reply.created(body) : reply.ok(body);
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/courses/:id/progress', permission: coursePermissions.monitor, context: inCourse, params: CourseParams,
    query: Type.Object(byId.query), summary: "Every learner's standing in a course", responses: { 200: RosterPage },
    async handler(req) {
      await getCourse(req.db, req.params.id);
      return courseEnrollments(req, req.params.id, { ...req.query, role: 'learner' });
    },
  }),
];
