// Changes to a course, shared by the JSON API and the pages: creating one (also from a template),
// editing it, and publishing or archiving it. Each is one transaction with the course locked, the
// checks the schema cannot make, its audit record, and courseChanged when enrollments' standing may differ.
import { badRequest, conflict, forbidden, type Knex, type RouteRequest } from 'lectern';
import { coursePermissions } from '../permissions';
import { assertCategory } from '../model/categories';
import { getCourse, placeCourse, type CourseRow, type CourseStatus } from '../model/courses';
import { copyStructure } from '../model/templates';
import { recount } from '../model/progress';
import { coursesChanged } from '../changes';
import { courseChanged } from '../api';

export interface NewCourse {
  title: string; code: string; summary?: string;
  /** Undefined takes the template's category (or none); null is none. */
  categoryId?: string | null;
  templateId?: string; selfEnrollment?: boolean; enrollmentKey?: string | null; recertifyAfterDays?: number | null;
}

export interface CourseChanges {
  title?: string; code?: string; summary?: string; categoryId?: string | null; status?: CourseStatus; isTemplate?: boolean;
  selfEnrollment?: boolean; enrollmentKey?: string | null; recertifyAfterDays?: number | null;
}

const takenCode = (code: string) => conflict(`a course with code "${code}" already exists`);

/** Whether `code` is taken by a course other than `except`. */
async function codeTaken(db: Knex, code: string, except: string): Promise<boolean> {
  return Boolean(await db('courses_courses').whereRaw('lower(code) = lower(?)', [code]).whereNot({ id: except }).first('id'));
}

/** The columns an enrollment's standing (as reporting shows it) depends on; an edit of any other announces nothing. */
const STANDING: (keyof CourseRow)[] = ['title', 'code', 'category_id', 'status', 'is_template', 'recertify_after_days'];

const statusStamps = (status: CourseStatus, now: Date) =>
  (status === 'published' ? { published_at: now } : status === 'archived' ? { archived_at: now } : {});

/** Creates a draft course; from a template, it copies the template's settings, sections and items. */
export function createCourse(req: RouteRequest, input: NewCourse): Promise<CourseRow> {
  return req.transaction(async (tx) => {
    const template: CourseRow | undefined = input.templateId ? await tx.db('courses_courses').where({ id: input.templateId }).first() : undefined;
    if (input.templateId && !template?.is_template) {
      throw badRequest(`course ${input.templateId} is not a template`, [{ path: 'body.templateId', message: template ? 'is not a template' : 'is not a course' }]);
    }
    const categoryId = input.categoryId !== undefined ? input.categoryId : template?.category_id ?? null;
    if (categoryId !== null) await assertCategory(tx.db, String(categoryId), 'body.categoryId');
    const [row]: CourseRow[] = await tx.db('courses_courses').insert({
      title: input.title.trim(), code: input.code, summary: input.summary ?? template?.summary ?? '', category_id: categoryId,
      template_id: template?.id ?? null,
      self_enrollment: input.selfEnrollment ?? template?.self_enrollment ?? false,
      enrollment_key: input.enrollmentKey !== undefined ? input.enrollmentKey : template?.enrollment_key ?? null,
      recertify_after_days: input.recertifyAfterDays !== undefined ? input.recertifyAfterDays : template?.recertify_after_days ?? null,
    }).onConflict(tx.db.raw('(lower(code))')).ignore().returning('*');
    if (!row) throw takenCode(input.code);
    await placeCourse(req, tx.db, String(row.id), categoryId);
    if (template) {
      await copyStructure(tx.db, template.id, row.id);
      await recount(tx, String(row.id), req.now(), { progress: false });
    }
    await coursesChanged(tx);
    tx.emit(courseChanged, { courseId: String(row.id), changedAt: req.now().toISOString() });
    await tx.audit({ action: 'courses.course.create', target: { type: 'course', id: String(row.id) }, details: { code: row.code, title: row.title, templateId: input.templateId ?? null } });
    return row;
  });
}

/** Edits a course; moving it to another category needs courses:manage, because it changes who manages it. */
export async function updateCourse(req: RouteRequest, id: string, b: CourseChanges): Promise<CourseRow> {
  // Checked before the transaction (a permission check may read the database), used only if the category changes.
  const mayMove = b.categoryId !== undefined && await req.can(coursePermissions.manage);
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
    await coursesChanged(tx);
    if (STANDING.some((k) => k in changes && String(changes[k]) !== String(before[k]))) tx.emit(courseChanged, { courseId: id, changedAt: now.toISOString() });
    await tx.audit({ action: 'courses.course.update', target: { type: 'course', id }, details: { fields: Object.keys(b) } });
    return row;
  });
}

/** publish and archive: the status with its timestamp and audit record; the same status again changes nothing. */
export function setStatus(req: RouteRequest, id: string, action: 'publish' | 'archive'): Promise<CourseRow> {
  const status: CourseStatus = action === 'publish' ? 'published' : 'archived';
  return req.transaction(async (tx) => {
    const before = await getCourse(tx.db, id, { forUpdate: true });
    if (before.status === status) return before;
    const now = req.now();
    const [row]: CourseRow[] = await tx.db('courses_courses').where({ id }).update({ status, ...statusStamps(status, now), updated_at: now }).returning('*');
    await coursesChanged(tx);
    tx.emit(courseChanged, { courseId: id, changedAt: now.toISOString() });
    await tx.audit({ action: `courses.course.${action}`, target: { type: 'course', id }, details: { from: before.status } });
    return row;
  });
}
