// The admin course list (/admin/courses): every course the caller may edit, drafts, archived and
// templates included, with search and category filter; and the form that creates a course, optionally
// from a template (through the same action as POST /api/v1/courses).
import { badRequest, defineAdminPage, defineRoute, given, reply, submitForm, Type, type RouteRequest, type Static } from 'lectern';
import { coursePermissions } from '../permissions';
import { IdString } from '../params';
import { scopeOf, whereInScope } from '../model/scope';
import { createCourse } from '../actions/courses';
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

export const coursesListPage = defineAdminPage({
  path: '/admin/courses', title: 'Courses', permission: coursePermissions.create, view: VIEW, query: CoursesQuery,
  load: (req) => coursesPage(req, req.query),
});

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
  if (!given(b.title, 'trim') || b.title.length > 300) errors.push({ path: 'body.title', message: 'is required' });
  if (!CODE.test(b.code)) errors.push({ path: 'body.code', message: 'must start with a letter or digit and hold only letters, digits, ".", "_" and "-"' });
  if (errors.length) throw badRequest('Check the marked fields.', errors);
}

export const courseCreateRoutes = [
  defineRoute({
    method: 'POST', path: '/admin/courses', permission: coursePermissions.create, html: true, body: CreateBody, summary: 'Create a course (form)',
    async handler(req) {
      const b = req.body;
      return submitForm(req, { view: VIEW, form: 'create', values: b, load: () => coursesPage(req, {}) }, async () => {
        checkFields(b);
        const row = await createCourse(req, {
          title: b.title, code: b.code, summary: given(b.summary, 'trim'), categoryId: b.categoryId || undefined, templateId: b.templateId || undefined,
        });
        return reply.redirect(`/admin/courses/${row.id}?done=created`);
      });
    },
  }),
];
