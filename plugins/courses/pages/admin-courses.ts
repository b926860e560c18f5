// The admin course list (/admin/courses): every course the caller may edit, drafts, archived and
// templates included, with search and category filter; and the form that creates a course, optionally
// from a template (the same steps as POST /api/v1/courses, in one transaction).
import { badRequest, conflict, defineRoute, reply, Type, type PluginContext, type AdminPage, type Principal, type RouteRequest, type Static } from 'lectern';
import { coursePermissions } from '../permissions';
import { IdString } from '../params';
import { assertCategory } from '../model/categories';
import { placeCourse, type CourseRow } from '../model/courses';
import { copyStructure } from '../model/templates';
import { recount } from '../model/progress';
import { scopeOf, whereInScope } from '../model/scope';
import { given, submitForm } from './forms';
import { categoryOptions, ListQuery, listCourses, type ListFilters } from './listing';

const VIEW = 'courses/admin/courses';
const CoursesQuery = Type.Object(ListQuery);

async function coursesPage(req: RouteRequest, filters: ListFilters): Promise<Record<string, unknown>> {
  const scope = await scopeOf(req, coursePermissions.update);
  const [list, categories, templates] = await Promise.all([
    listCourses(req.db, '/admin/courses', filters, (q) => whereInScope(q, scope)),
    categoryOptions(req.db),
    req.db('courses_courses').where({ is_template: true }).orderBy('title').limit(500).select('id', 'title'),
  ]);
  return {
    title: 'Courses', ...list, categories,
    templates: templates.map((t: { id: number; title: string }) => ({ id: String(t.id), title: t.title })),
  };
}

export const coursesListPage: AdminPage = {
  path: '/admin/courses', title: 'Courses', permission: coursePermissions.create, view: VIEW, query: CoursesQuery,
  // An admin page's load gets the plugin context; the list needs the request's permission checks.
  load: (ctx: PluginContext, _principal: Principal | null, { query }) => coursesPage(ctx as RouteRequest, query as Static<typeof CoursesQuery>),
};

const CreateBody = Type.Object({
  title: Type.String({ maxLength: 300 }),
  code: Type.String({ maxLength: 64 }),
  summary: Type.Optional(Type.String({ maxLength: 20_000 })),
  categoryId: Type.Optional(Type.Union([Type.Literal(''), IdString])),
  templateId: Type.Optional(Type.Union([Type.Literal(''), IdString])),
});

const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The form's fields checked as the API's schema checks them (Title, Code), with messages per field. */
function checkFields(b: Static<typeof CreateBody>): void {
  const errors: { path: string; message: string }[] = [];
  if (!given(b.title) || b.title.length > 300) errors.push({ path: 'body.title', message: 'is required' });
  if (!CODE.test(b.code)) errors.push({ path: 'body.code', message: 'must start with a letter or digit and hold only letters, digits, ".", "_" and "-"' });
  if (errors.length) throw badRequest('Check the marked fields.', errors);
}

export const courseCreateRoutes = [
  defineRoute({
    method: 'POST', path: '/admin/courses', permission: coursePermissions.create, html: true, body: CreateBody, summary: 'Create a course (form)',
    async handler(req) {
      const b = req.body;
      return submitForm(req, VIEW, 'create', b, () => coursesPage(req, {}), async () => {
        checkFields(b);
        const id = await req.transaction(async (tx) => {
          const template: CourseRow | undefined = b.templateId ? await tx.db('courses_courses').where({ id: b.templateId }).first() : undefined;
          if (b.templateId && !template?.is_template) throw badRequest(`course ${b.templateId} is not a template`, [{ path: 'body.templateId', message: 'is not a template' }]);
          const categoryId = b.categoryId || (template?.category_id ?? null);
          if (categoryId !== null) await assertCategory(tx.db, String(categoryId), 'body.categoryId');
          const [row]: CourseRow[] = await tx.db('courses_courses').insert({
            title: b.title.trim(), code: b.code, summary: given(b.summary) ?? template?.summary ?? '', category_id: categoryId,
            template_id: template?.id ?? null, self_enrollment: template?.self_enrollment ?? false,
            enrollment_key: template?.enrollment_key ?? null, recertify_after_days: template?.recertify_after_days ?? null,
          }).onConflict(tx.db.raw('(lower(code))')).ignore().returning('*');
          if (!row) throw conflict(`a course with code "${b.code}" already exists`);
          await placeCourse(req, tx.db, String(row.id), categoryId);
          if (template) {
            await copyStructure(tx.db, template.id, row.id);
            await recount(tx, String(row.id), req.now(), { progress: false });
          }
          await tx.audit({ action: 'courses.course.create', target: { type: 'course', id: String(row.id) }, details: { code: row.code, title: row.title, templateId: b.templateId || null } });
          return String(row.id);
        });
        return reply.redirect(`/admin/courses/${id}?done=created`);
      });
    },
  }),
];
