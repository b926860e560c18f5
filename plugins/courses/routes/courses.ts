// One course: create (also from a template, in one transaction), read, edit, publish, archive and
// delete. A course is a permission context beneath its category; moving it between categories needs
// courses:manage, because it changes who manages it (actions/courses.ts, shared with the pages).
import { conflict, CoreServices, defineRoute, reply, Type } from 'lectern';
import { coursePermissions } from '../permissions';
import { CourseParams, IdString, inCourse, Title, CourseStatusSchema } from '../params';
import { courseContext, getCourse, toCourse, visibleCourse } from '../model/courses';
import { createCourse, setStatus, updateCourse } from '../actions/courses';
import { coursesChanged } from '../changes';
import { courseChanged } from '../api';
import { Course } from '../schemas';

const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const Summary = Type.String({ maxLength: 20_000 });
const NullableId = Type.Union([IdString, Type.Null()]);
const EnrollmentKey = Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]);
const RecertifyAfterDays = Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()]);

/** publish and archive: a status change with its timestamp and audit record. */
function statusRoute(action: 'publish' | 'archive') {
  return defineRoute({
    method: 'POST', path: `/api/v1/courses/:id/${action}`, permission: coursePermissions.update, context: inCourse, params: CourseParams,
    summary: action === 'publish' ? 'Publish a course: learners see it' : 'Archive a course: closed to enrollment, kept as record',
    responses: { 200: Course },
    async handler(req) {
      return toCourse(await setStatus(req, req.params.id, action));
    },
  });
}

export const courseRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/courses', permission: coursePermissions.create, summary: 'Create a course, optionally from a template',
    body: Type.Object({
      title: Title, code: Code, summary: Type.Optional(Summary), categoryId: Type.Optional(NullableId),
      templateId: Type.Optional(IdString), selfEnrollment: Type.Optional(Type.Boolean()),
      enrollmentKey: Type.Optional(EnrollmentKey), recertifyAfterDays: Type.Optional(RecertifyAfterDays),
    }, { additionalProperties: false }),
    responses: { 201: Course }, errors: [409],
    async handler(req) {
      return reply.created(toCourse(await createCourse(req, req.body)));
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/courses/:id', permission: coursePermissions.view, context: inCourse, params: CourseParams, summary: 'One course',
    responses: { 200: Course },
    async handler(req) {
      return toCourse(await visibleCourse(req, req.params.id));
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/courses/:id', permission: coursePermissions.update, context: inCourse, params: CourseParams, summary: 'Edit a course',
    body: Type.Object({
      title: Type.Optional(Title), code: Type.Optional(Code), summary: Type.Optional(Summary), categoryId: Type.Optional(NullableId),
      status: Type.Optional(CourseStatusSchema), isTemplate: Type.Optional(Type.Boolean()), selfEnrollment: Type.Optional(Type.Boolean()),
      enrollmentKey: Type.Optional(EnrollmentKey), recertifyAfterDays: Type.Optional(RecertifyAfterDays),
    }, { additionalProperties: false, minProperties: 1 }),
    responses: { 200: Course }, errors: [409],
    async handler(req) {
      return toCourse(await updateCourse(req, req.params.id, req.body));
    },
  }),

  statusRoute('publish'),
  statusRoute('archive'),

  defineRoute({
    method: 'DELETE', path: '/api/v1/courses/:id', permission: coursePermissions.delete, context: inCourse, params: CourseParams,
    summary: 'Delete a course nobody was ever enrolled in (archive the others)', responses: { 204: null }, errors: [409],
    async handler(req) {
      const { id } = req.params;
      await req.transaction(async (tx) => {
        const before = await getCourse(tx.db, id, { forUpdate: true });
        if (await tx.db('courses_enrollments').where({ course_id: id }).first('id')) {
          throw conflict(`course ${id} has enrollment records; archive it instead, so they are kept`);
        }
        await tx.db('courses_courses').where({ id }).delete();
        await req.resolve(CoreServices.permissions).removeContext(courseContext(id), tx.db);
        await coursesChanged(tx);
        tx.emit(courseChanged, { courseId: id, changedAt: req.now().toISOString() });
        await tx.audit({ action: 'courses.course.delete', target: { type: 'course', id }, details: { code: before.code, title: before.title } });
      });
      return reply.noContent();
    },
  }),
];
