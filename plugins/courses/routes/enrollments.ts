// Enrollment of one person at a time: list a course's enrollments, enroll (or change the role or due
// date of) a user, unenroll them, and self-enrollment where the course allows it. Unknown and
// deactivated users are refused with a 400 naming them.
import { badRequest, CoreServices, defineRoute, forbidden, notFound, pageQuery, reply, Type } from 'lectern';
import { coursePermissions } from '../permissions';
import { CourseParams, EnrollmentParams, IdString, inCourse, RoleSchema } from '../params';
import { getCourse, keyMatches, visibleCourse } from '../model/courses';
import { assertEnrollable, enroll, unenroll } from '../model/enrollments';
import { courseEnrollments, enrollmentOf } from '../model/listing';
import { activeUser } from '../model/users';


export const enrollmentRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/courses/:id/enrollments', permission: coursePermissions.enroll, context: inCourse, params: CourseParams,
    query: Type.Object({ role: Type.Optional(RoleSchema), ...pageQuery }), summary: 'Who is enrolled, with their standing',
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
    async handler(req) {
      const { id } = req.params;
      const { userId, role = 'learner', dueAt } = req.body;
      await activeUser(req, userId, 'body.userId');
      const engine = req.resolve(CoreServices.permissions);
      const now = req.now();
      const outcome = await req.transaction(async (tx) => {
        assertEnrollable(await getCourse(tx.db, id));
        return enroll(tx, engine, { courseId: id, userId, role, source: 'manual', dueAt: typeof dueAt === 'string' ? new Date(dueAt) : dueAt, overwrite: true }, now);
      });
      const enrollment = await enrollmentOf(req.db, id, userId, now);
      return outcome === 'enrolled' ? reply.created(enrollment) : reply.ok(enrollment);
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/courses/:id/enrollments/:userId', permission: coursePermissions.enroll, context: inCourse, params: EnrollmentParams,
    summary: 'Unenroll a user (their progress and completions are kept)',
    async handler(req) {
      const { id, userId } = req.params;
      const engine = req.resolve(CoreServices.permissions);
      await req.transaction(async (tx) => {
        if (!(await unenroll(tx, engine, id, userId, req.now(), 'manual'))) throw notFound(`user ${userId} is not enrolled in course ${id}`);
      });
      return reply.noContent();
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/self-enroll', authenticated: true, params: CourseParams,
    body: Type.Object({ key: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
    summary: 'Enroll yourself as a learner, where the course allows it (with its key, if it has one)',
    async handler(req) {
      const { id } = req.params;
      const userId = req.principal?.id as string;
      const course = await visibleCourse(req, id);
      if (course.status !== 'published' || course.is_template || !course.self_enrollment) throw forbidden(`course ${id} does not allow self-enrollment`);
      if (course.enrollment_key !== null && !keyMatches(course.enrollment_key, req.body.key)) {
        throw badRequest('The enrollment key is wrong.', [{ path: 'body.key', message: req.body.key === undefined ? 'is required' : 'does not match' }]);
      }
      await activeUser(req, userId, 'principal');
      const engine = req.resolve(CoreServices.permissions);
      const now = req.now();
      const outcome = await req.transaction((tx) =>
        enroll(tx, engine, { courseId: id, userId, role: 'learner', source: 'self', overwrite: false }, now));
      const enrollment = await enrollmentOf(req.db, id, userId, now);
      return outcome === 'enrolled' ? reply.created(enrollment) : reply.ok(enrollment);
    },
  }),
];
