// Courses: the row, its public shape, and the rules every route shares — a course is a permission
// context beneath its category, and only those who may update it see it as a draft or a template.
import { CoreServices, notFound, type Knex, type PluginContext, type RouteRequest } from 'lectern';
import { coursePermissions } from '../permissions';
import { categoryContext } from './categories';

export type CourseStatus = 'draft' | 'published' | 'archived';

export interface CourseRow {
  id: number; code: string; title: string; summary: string; category_id: number | null; status: CourseStatus;
  is_template: boolean; template_id: number | null; self_enrollment: boolean; enrollment_key: string | null;
  recertify_after_days: number | null; required_items: number;
  /** Dates, or ISO text when read with courseColumns. */
  created_at: Date | string; updated_at: Date | string; published_at: Date | string | null; archived_at: Date | string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : typeof d === 'string' ? d : d.toISOString());

/** The enrollment key itself is never shown, only whether there is one. */
export const toCourse = (r: CourseRow) => ({
  id: String(r.id), code: r.code, title: r.title, summary: r.summary,
  categoryId: r.category_id === null ? null : String(r.category_id), status: r.status,
  isTemplate: r.is_template, templateId: r.template_id === null ? null : String(r.template_id),
  selfEnrollment: r.self_enrollment, hasEnrollmentKey: r.enrollment_key !== null,
  recertifyAfterDays: r.recertify_after_days,
  createdAt: iso(r.created_at), updatedAt: iso(r.updated_at), publishedAt: iso(r.published_at), archivedAt: iso(r.archived_at),
});
export type Course = ReturnType<typeof toCourse>;

export const courseContext = (id: string | number) => ({ type: 'course' as const, id: String(id) });

export async function getCourse(db: Knex, id: string, opts: { forUpdate?: boolean } = {}): Promise<CourseRow> {
  const q = db('courses_courses').where({ id }).first();
  if (opts.forUpdate) q.forUpdate();
  const row: CourseRow | undefined = await q;
  if (!row) throw notFound(`course ${id} does not exist`);
  return row;
}

/** Whether learners see it: published or archived, and not a template. */
export const isOpen = (c: CourseRow) => !c.is_template && c.status !== 'draft';

/** The course, or a 404 for a draft or template the caller may not edit (learners never see drafts). */
export async function visibleCourse(req: RouteRequest, id: string): Promise<CourseRow> {
  const course = await getCourse(req.db, id);
  if (!isOpen(course) && !(await req.can(coursePermissions.update, courseContext(id)))) throw notFound(`course ${id} does not exist`);
  return course;
}

/** Registers (or moves) the course's permission context under its category. */
export function placeCourse(ctx: PluginContext, db: Knex, id: string, categoryId: string | number | null): Promise<void> {
  return ctx.resolve(CoreServices.permissions).setContext(courseContext(id), categoryContext(categoryId === null ? null : String(categoryId)), db);
}
