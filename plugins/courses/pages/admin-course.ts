// The course editor (/admin/courses/:id): title and summary, publish and archive, and the sections
// with their items, where a section can be added. Each POST takes the steps of the matching JSON route
// (PATCH /api/v1/courses/:id, …/publish, …/archive, POST …/sections) with the same model functions.
import { badRequest, defineRoute, reply, Type, type Reply, type RouteRequest, type TransactionContext } from 'lectern';
import { coursePermissions } from '../permissions';
import { CourseParams, inCourse } from '../params';
import { getCourse, toCourse, type CourseStatus } from '../model/courses';
import { sectionsWithItems, type SectionRow } from '../model/sections';
import { renumber } from '../model/positions';
import { Done, doneNotice, given, submitForm } from './forms';

const VIEW = 'courses/admin/course';
const NOTICES = {
  created: 'The course is created, as a draft.', saved: 'The course is saved.', published: 'The course is published.', archived: 'The course is archived.', 'section-added': 'The section is added.' };
const TitleField = Type.String({ maxLength: 300 });
const editor = { permission: coursePermissions.update, context: inCourse, params: CourseParams, html: true as const };

async function editorPage(req: RouteRequest, id: string): Promise<Record<string, unknown>> {
  const course = await getCourse(req.db, id);
  const sections: SectionRow[] = await req.db('courses_sections').where({ course_id: id }).orderBy([{ column: 'position' }, { column: 'id' }]).limit(500);
  return { title: `Edit ${course.title}`, course: toCourse(course), sections: await sectionsWithItems(req.db, sections) };
}

/** A blank title is a 400 naming the field, as the API's Title schema answers. */
function requireTitle(title: string): string {
  const trimmed = given(title);
  if (!trimmed) throw badRequest('Fill in the title.', [{ path: 'body.title', message: 'is required' }]);
  return trimmed;
}

/**
 * An editor form with a title: a blank title shows the form again; otherwise `write` runs with the
 * course locked, in one transaction, and the editor is shown with the `done` notice.
 */
function titledForm(
  req: RouteRequest<{ id: string }, unknown, { title: string }>, form: string, done: string,
  write: (tx: TransactionContext, id: string, title: string) => Promise<void>,
): Promise<Reply> {
  const { id } = req.params;
  return submitForm(req, VIEW, form, req.body, () => editorPage(req, id), async () => {
    const title = requireTitle(req.body.title);
    await req.transaction(async (tx) => {
      await getCourse(tx.db, id, { forUpdate: true });
      await write(tx, id, title);
    });
    return reply.redirect(`/admin/courses/${id}?done=${done}`);
  });
}

/** publish and archive: the status with its timestamp and audit record, as the JSON routes do. */
function statusPage(action: 'publish' | 'archive', status: CourseStatus, stamp: 'published_at' | 'archived_at') {
  return defineRoute({
    ...editor, method: 'POST', path: `/admin/courses/:id/${action}`, body: Type.Object({}), summary: `${action} a course (form)`,
    async handler(req) {
      const { id } = req.params;
      await req.transaction(async (tx) => {
        const before = await getCourse(tx.db, id, { forUpdate: true });
        if (before.status === status) return;
        const now = req.now();
        await tx.db('courses_courses').where({ id }).update({ status, [stamp]: now, updated_at: now });
        await tx.audit({ action: `courses.course.${action}`, target: { type: 'course', id }, details: { from: before.status } });
      });
      return reply.redirect(`/admin/courses/${id}?done=${status}`);
    },
  });
}

export const courseEditorRoutes = [
  defineRoute({
    ...editor, method: 'GET', path: '/admin/courses/:id', query: Type.Object({ done: Done }), summary: 'Edit a course (page)',
    async handler(req) {
      return req.page(VIEW, { ...(await editorPage(req, req.params.id)), notice: doneNotice(NOTICES, req.query.done) });
    },
  }),

  defineRoute({
    ...editor, method: 'POST', path: '/admin/courses/:id', summary: 'Edit a course\'s title and summary (form)',
    body: Type.Object({ title: TitleField, summary: Type.String({ maxLength: 20_000 }) }),
    handler: (req) => titledForm(req, 'details', 'saved', async (tx, id, title) => {
      await tx.db('courses_courses').where({ id }).update({ title, summary: req.body.summary, updated_at: req.now() });
      await tx.audit({ action: 'courses.course.update', target: { type: 'course', id }, details: { fields: ['title', 'summary'] } });
    }),
  }),

  statusPage('publish', 'published', 'published_at'),
  statusPage('archive', 'archived', 'archived_at'),

  defineRoute({
    ...editor, method: 'POST', path: '/admin/courses/:id/sections', summary: 'Add a section (form)', body: Type.Object({ title: TitleField }),
    handler: (req) => titledForm(req, 'section', 'section-added', async (tx, id, title) => {
      const [row]: SectionRow[] = await tx.db('courses_sections').insert({ course_id: id, title, position: 0 }).returning('*');
      await renumber(tx.db, 'courses_sections', { course_id: id }, { id: row.id, position: undefined });
      await tx.audit({ action: 'courses.section.create', target: { type: 'course', id }, details: { sectionId: String(row.id), title } });
    }),
  }),
];
