// One course: create (also from a template, in one transaction), read, edit, publish, archive and
// delete. A course is a permission context beneath its category; moving it between categories needs
// courses:manage, because it changes who manages it.
import { badRequest, conflict, CoreServices, defineRoute, forbidden, reply, Type, type Knex } from 'lectern';
import { coursePermissions } from '../permissions';
import { CourseParams, IdString, inCourse, Title, CourseStatusSchema } from '../params';
import { assertCategory } from '../model/categories';
import { courseContext, getCourse, placeCourse, toCourse, visibleCourse, type CourseRow, type CourseStatus } from '../model/courses';
import { copyStructure } from '../model/templates';
import { recount } from '../model/progress';

const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const Summary = Type.String({ maxLength: 20_000 });
const NullableId = Type.Union([IdString, Type.Null()]);
const EnrollmentKey = Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]);
const RecertifyAfterDays = Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()]);

const takenCode = (code: string) => conflict(`a course with code "${code}" already exists`);

/** Whether `code` is taken by a course other than `except`. */
async function codeTaken(db: Knex, code: string, except: string): Promise<boolean> {
  return Boolean(await db('courses_courses').whereRaw('lower(code) = lower(?)', [code]).whereNot({ id: except }).first('id'));
}

const statusStamps = (status: CourseStatus, now: Date) =>
  (status === 'published' ? { published_at: now } : status === 'archived' ? { archived_at: now } : {});

/** publish and archive: a status change with its timestamp and audit record. */
function statusRoute(action: 'publish' | 'archive', status: CourseStatus) {
  return defineRoute({
    method: 'POST', path: `/api/v1/courses/:id/${action}`, permission: coursePermissions.update, context: inCourse, params: CourseParams,
    summary: action === 'publish' ? 'Publish a course: learners see it' : 'Archive a course: closed to enrollment, kept as record',
    async handler(req) {
      return req.transaction(async (tx) => {
        const before = await getCourse(tx.db, req.params.id, { forUpdate: true });
        if (before.status === status) return toCourse(before);
        const now = req.now();
        const [row]: CourseRow[] = await tx.db('courses_courses').where({ id: before.id }).update({ status, ...statusStamps(status, now), updated_at: now }).returning('*');
        await tx.audit({ action: `courses.course.${action}`, target: { type: 'course', id: req.params.id }, details: { from: before.status } });
        return toCourse(row);
      });
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
    async handler(req) {
      const b = req.body;
      const created = await req.transaction(async (tx) => {
        const template: CourseRow | undefined = b.templateId ? await tx.db('courses_courses').where({ id: b.templateId }).first() : undefined;
        if (b.templateId && !template?.is_template) {
          throw badRequest(`course ${b.templateId} is not a template`, [{ path: 'body.templateId', message: template ? 'is not a template' : 'is not a course' }]);
        }
        const categoryId = b.categoryId !== undefined ? b.categoryId : template?.category_id ?? null;
        if (categoryId !== null) await assertCategory(tx.db, String(categoryId), 'body.categoryId');
        const [row]: CourseRow[] = await tx.db('courses_courses').insert({
          title: b.title.trim(), code: b.code, summary: b.summary ?? template?.summary ?? '', category_id: categoryId,
          template_id: template?.id ?? null,
          self_enrollment: b.selfEnrollment ?? template?.self_enrollment ?? false,
          enrollment_key: b.enrollmentKey !== undefined ? b.enrollmentKey : template?.enrollment_key ?? null,
          recertify_after_days: b.recertifyAfterDays !== undefined ? b.recertifyAfterDays : template?.recertify_after_days ?? null,
        }).onConflict(tx.db.raw('(lower(code))')).ignore().returning('*');
        if (!row) throw takenCode(b.code);
        await placeCourse(req, tx.db, String(row.id), categoryId);
        if (template) {
          await copyStructure(tx.db, template.id, row.id);
          await recount(tx, String(row.id), req.now(), { progress: false });
        }
        await tx.audit({ action: 'courses.course.create', target: { type: 'course', id: String(row.id) }, details: { code: row.code, title: row.title, templateId: b.templateId ?? null } });
        return toCourse(row);
      });
      return reply.created(created);
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/courses/:id', permission: coursePermissions.view, context: inCourse, params: CourseParams, summary: 'One course',
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
    async handler(req) {
      const { id } = req.params;
      const b = req.body;
      // Checked before the transaction (a permission check may read the database), used only if the category changes.
      const mayMove = b.categoryId !== undefined && await req.allowed(coursePermissions.manage);
      return req.transaction(async (tx) => {
        const before = await getCourse(tx.db, id, { forUpdate: true });
        const now = req.now();
        const changes: Record<string, unknown> = {};
        if (b.title !== undefined) changes.title = b.title.trim();
        if (b.summary !== undefined) changes.summary = b.summary;
        if (b.selfEnrollment !== undefined) changes.self_enrollment = b.selfEnrollment;
        if (b.enrollmentKey !== undefined) changes.enrollment_key = b.enrollmentKey;
        if (b.recertifyAfterDays !== undefined) changes.recertify_after_days = b.recertifyAfterDays;
        if (b.code !== undefined && b.code !== before.code) {
          if (await codeTaken(tx.db, b.code, id)) throw takenCode(b.code);
          changes.code = b.code;
        }
        if (b.status !== undefined && b.status !== before.status) Object.assign(changes, { status: b.status, ...statusStamps(b.status, now) });
        if (b.isTemplate === true && !before.is_template) {
          if (before.template_id !== null) {
            throw badRequest(`course ${id} was made from template ${before.template_id}; a template cannot be made from a template`, [{ path: 'body.isTemplate', message: 'a course made from a template cannot become one' }]);
          }
          if (await tx.db('courses_enrollments').where({ course_id: id }).first('id')) throw conflict(`course ${id} has enrollments; a template takes none`);
        }
        if (b.isTemplate !== undefined) changes.is_template = b.isTemplate;
        if (b.categoryId !== undefined && String(b.categoryId) !== String(before.category_id)) {
          if (!mayMove) throw forbidden('Moving a course to another category needs courses:manage.');
          if (b.categoryId !== null) await assertCategory(tx.db, b.categoryId, 'body.categoryId');
          changes.category_id = b.categoryId;
          await placeCourse(req, tx.db, id, b.categoryId);
        }
        const [row]: CourseRow[] = await tx.db('courses_courses').where({ id }).update({ ...changes, updated_at: now }).returning('*');
        // The key itself stays out of the audit trail: anyone reading it could enroll.
        await tx.audit({ action: 'courses.course.update', target: { type: 'course', id }, details: { fields: Object.keys(b) } });
        return toCourse(row);
      });
    },
  }),

  statusRoute('publish', 'published'),
  statusRoute('archive', 'archived'),

  defineRoute({
    method: 'DELETE', path: '/api/v1/courses/:id', permission: coursePermissions.delete, context: inCourse, params: CourseParams,
    summary: 'Delete a course nobody was ever enrolled in (archive the others)',
    async handler(req) {
      const { id } = req.params;
      await req.transaction(async (tx) => {
        const before = await getCourse(tx.db, id, { forUpdate: true });
        if (await tx.db('courses_enrollments').where({ course_id: id }).first('id')) {
          throw conflict(`course ${id} has enrollment records; archive it instead, so they are kept`);
        }
        await tx.db('courses_courses').where({ id }).delete();
        await req.resolve(CoreServices.permissions).removeContext(courseContext(id), tx.db);
        await tx.audit({ action: 'courses.course.delete', target: { type: 'course', id }, details: { code: before.code, title: before.title } });
      });
      return reply.noContent();
    },
  }),
];
