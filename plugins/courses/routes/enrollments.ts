// Enrollment of one person at a time: list a course's enrollments, enroll (or change the role or due
// date of) a user, unenroll them, and self-enrollment where the course allows it. A user the caller may
// not enroll (model/users.ts) is refused with the same 400 as an unknown one; a deactivated one, with a 400 naming them.
import { defineRoute, reply, Type } from 'lectern';
import { byId } from '../cursors';
import { coursePermissions } from '../permissions';
import { CourseParams, EnrollmentParams, IdString, inCourse, RoleSchema } from '../params';
import { getCourse } from '../model/courses';
import { courseEnrollments } from '../model/listing';
import { enrollUser, selfEnroll, unenrollUser } from '../actions/enrollments';
import { Enrollment, RosterPage } from '../schemas';


export const enrollmentRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/courses/:id/enrollments', permission: coursePermissions.enroll, context: inCourse, params: CourseParams,
    query: Type.Object({ role: Type.Optional(RoleSchema), ...byId.query }), summary: 'Who is enrolled, with their standing',
    responses: { 200: RosterPage },
    async handler(req) {
      await getCourse(req.db, req.params.id);
      return courseEnrollments(req, req.params.id, req.query);
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/enrollments', permission: coursePermissions.enroll, context: inCourse, params: CourseParams,
    body: Type.Object({
      userId: IdString, role: Type.Optional(RoleSchema), dueAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
    }, { additionalProperties: false }),
    summary: 'Enroll a user (an instructor gets the instructor role in the course), or change their role or due date (omitted: kept; null: removed)',
    responses: { 201: Enrollment, 200: Enrollment }, errors: [409],
    async handler(req) {
      const { id } = req.params;
      const { userId, role = 'learner', dueAt } = req.body;
      const { outcome, enrollment } = await enrollUser(req, id, { userId, role, dueAt: typeof dueAt === 'string' ? new Date(dueAt) : dueAt });
      return outcome === 'enrolled' ? reply.created(enrollment) : reply.ok(enrollment);
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/courses/:id/enrollments/:userId', permission: coursePermissions.enroll, context: inCourse, params: EnrollmentParams,
    summary: 'Unenroll a user (their progress and completions are kept)', responses: { 204: null },
    async handler(req) {
      await unenrollUser(req, req.params.id, req.params.userId);
      return reply.noContent();
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/self-enroll', authenticated: true, params: CourseParams,
    body: Type.Object({ key: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
    summary: 'Enroll yourself as a learner, where the course allows it (with its key, if it has one)',
    responses: { 201: Enrollment, 200: Enrollment }, errors: [429],
    async handler(req) {
      const { id } = req.params;
      const { outcome, enrollment } = await selfEnroll(req, id, req.body.key);
      return outcome === 'enrolled' ? reply.created(enrollment) : reply.ok(enrollment);
    },
  }),
];
