// The course editor (/admin/courses/:id): title, summary, category, status, self-enrollment with its key and
// the recertification period (the fields PATCH /api/v1/courses/:id takes, through the same action), publish and archive, and the sections
// with their items — add, rename, move and delete a section; add (chosen from the published content the
// content sources offer, when they do), edit, move and delete an item. Each POST goes through the shared
// action of the matching JSON route (actions/courses.ts, sections.ts, items.ts); a mistake shows the
// editor again with the message next to the form that was sent. Under "Related" it links the pages other
// plugins offer about the course (courseLinks) that the viewer may open.
import { badRequest, defineRoute, reply, Type, type Reply, type Static, type RouteRequest, Done, doneNotice, submitForm, type FormState, filled, given } from 'lectern';
import { courseLinks } from '../api';
import { coursePermissions } from '../permissions';
import { CourseParams, IdString, ItemParams, SectionParams, inCourse } from '../params';
import { categoryOptions } from './listing';
import { courseContext, getCourse, toCourse } from '../model/courses';
import { sectionsWithItems, type SectionRow } from '../model/sections';
import { CONTENT_ID_PATTERN, contentChoices } from '../model/content';
import { setStatus, updateCourse, type CourseChanges } from '../actions/courses';
import { addSection, deleteSection, updateSection } from '../actions/sections';
import { addItem, deleteItem, updateItem } from '../actions/items';

const VIEW = 'courses/admin/course';
const NOTICES = {
  created: 'The course is created, as a draft.', saved: 'The course is saved.', published: 'The course is published.', archived: 'The course is archived.',
  'section-added': 'The section is added.', 'section-renamed': 'The section is renamed.', 'section-moved': 'The section is moved.',
  'section-deleted': 'The section and its items are deleted.', 'item-added': 'The item is added.', 'item-saved': 'The item is saved.',
  'item-moved': 'The item is moved.', 'item-deleted': 'The item is removed.',
};
const TitleField = Type.String({ maxLength: 300 });
const Direction = Type.Object({ direction: Type.Union([Type.Literal('up'), Type.Literal('down')]) });
const DetailsBody = Type.Object({
  title: TitleField, summary: Type.String({ maxLength: 20_000 }),
  categoryId: Type.Optional(Type.Union([Type.Literal(''), IdString])),
  status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('archived')])),
  selfEnrollment: Type.Optional(Type.Boolean()),
  isTemplate: Type.Optional(Type.Boolean()),
  enrollmentKey: Type.Optional(Type.String({ maxLength: 200 })),
  removeKey: Type.Optional(Type.Boolean()),
  recertifyAfterDays: Type.Optional(Type.String({ maxLength: 10 })),
  /** Sent by the full form: then an unchecked self-enrollment box means off and an empty period means none. */
  settings: Type.Optional(Type.Boolean()),
});

/** The details form as the API's changes: an empty key keeps the current one, an empty period means none. */
function detailsOf(b: Static<typeof DetailsBody>): CourseChanges {
  const days = b.recertifyAfterDays?.trim() ?? '';
  if (days && (!/^[0-9]{1,4}$/.test(days) || Number(days) < 1 || Number(days) > 3650)) {
    throw badRequest('Give the recertification period in whole days, from 1 to 3650, or leave it empty.', [{ path: 'body.recertifyAfterDays', message: 'must be a whole number of days from 1 to 3650' }]);
  }
  const key = b.enrollmentKey?.trim() ?? '';
  if (key && b.removeKey === true) {
    throw badRequest('Give a new key or remove the key, not both.', [{ path: 'body.enrollmentKey', message: 'cannot be given while removing the key' }]);
  }
  return {
    title: filled(b.title, 'title'), summary: b.summary,
    ...(b.categoryId !== undefined ? { categoryId: b.categoryId || null } : {}),
    ...(b.status !== undefined ? { status: b.status } : {}),
    ...(b.settings === true ? { selfEnrollment: b.selfEnrollment === true, isTemplate: b.isTemplate === true, recertifyAfterDays: days ? Number(days) : null } : {}),
    ...(key ? { enrollmentKey: key } : b.removeKey === true ? { enrollmentKey: null } : {}),
  };
}

const editor = { permission: coursePermissions.update, context: inCourse, html: true as const };

/** The pages other plugins link from this course that the viewer may open, checked at the course's context. */
async function relatedLinks(req: RouteRequest, id: string): Promise<{ label: string; href: string }[]> {
  const links = req.extensions(courseLinks);
  const allowed = await Promise.all(links.map((link) => req.can(link.permission, courseContext(id))));
  return links.filter((_, i) => allowed[i]).map((link) => ({ label: link.label, href: link.href(id) }));
}

/** Each row's forms: the state of the one that was sent, or the row's current values. */
async function editorPage(req: RouteRequest, id: string, forms: Record<string, FormState> = {}): Promise<Record<string, unknown>> {
  const course = await getCourse(req.db, id);
  const rows: SectionRow[] = await req.db('courses_sections').where({ course_id: id }).orderBy([{ column: 'position' }, { column: 'id' }]).limit(500);
  const sections = (await sectionsWithItems(req.db, rows)).map((s, i, all) => ({
    ...s, first: i === 0, last: i === all.length - 1, movable: all.length > 1,
    ids: { title: `section-${s.id}-title`, content: `add-item-${s.id}-content`, itemTitle: `add-item-${s.id}-title`, required: `add-item-${s.id}-required` },
    renameForm: forms[`section-${s.id}`] ?? { values: { title: s.title } },
    itemForm: forms[`add-item-${s.id}`] ?? { values: { required: true } },
    items: s.items.map((item, j) => ({
      ...item, first: j === 0, last: j === s.items.length - 1, movable: s.items.length > 1,
      ids: { title: `item-${item.id}-title`, required: `item-${item.id}-required` },
      form: forms[`item-${item.id}`] ?? { values: { title: item.title, required: item.required } },
    })),
  }));
  const [canEnroll, canMove, choices, related] = await Promise.all([
    req.can(coursePermissions.enroll, courseContext(id)), req.can(coursePermissions.manage), contentChoices(req), relatedLinks(req, id),
  ]);
  const chooser = choices && { groups: choices, hint: choices.length ? 'Published content to place in this section.' : 'No content is published yet.' };
  const categories = canMove ? await categoryOptions(req.db) : null;
  const details = forms.details ?? { values: {
    title: course.title, summary: course.summary, status: course.status, selfEnrollment: course.self_enrollment, isTemplate: course.is_template,
    categoryId: course.category_id === null ? '' : String(course.category_id),
    recertifyAfterDays: course.recertify_after_days === null ? '' : String(course.recertify_after_days),
  } };
  return {
    title: `Edit ${course.title}`, course: toCourse(course), sections, canEnroll, chooser, related, details,
    categoryGroups: categories && [{ options: [{ value: '', label: 'None' }, ...categories.map((c) => ({ value: c.id, label: c.name }))] }],
    statusGroups: [{ options: ['draft', 'published', 'archived'].map((v) => ({ value: v, label: v[0].toUpperCase() + v.slice(1) })) }],
  };
}

/** Runs one of the editor's forms; success goes back to the editor with the `done` notice. */
function editorForm(req: RouteRequest<{ id: string }>, form: string, values: Record<string, unknown>, done: string, write: () => Promise<unknown>): Promise<Reply> {
  const { id } = req.params;
  return submitForm(req, { view: VIEW, form, values, load: (forms) => editorPage(req, id, forms) }, async () => {
    await write();
    return reply.redirect(`/admin/courses/${id}?done=${done}`);
  });
}

/** A change without a form to show again (publish, move, delete): done, then back to the editor. */
async function editorButton(req: RouteRequest<{ id: string }>, done: string, write: () => Promise<unknown>): Promise<Reply> {
  await write();
  return reply.redirect(`/admin/courses/${req.params.id}?done=${done}`);
}

const shiftOf = (direction: 'up' | 'down') => (direction === 'up' ? -1 : 1);

export const courseEditorRoutes = [
  defineRoute({
    ...editor, method: 'GET', path: '/admin/courses/:id', params: CourseParams, query: Type.Object({ done: Done }), summary: 'Edit a course (page)',
    async handler(req) {
      return req.page(VIEW, { ...(await editorPage(req, req.params.id)), notice: doneNotice(NOTICES, req.query.done) });
    },
  }),

  defineRoute({
    ...editor, method: 'POST', path: '/admin/courses/:id', params: CourseParams, summary: 'Edit a course\'s details and settings (form)',
    body: DetailsBody,
    handler: (req) => editorForm(req, 'details', { ...req.body, enrollmentKey: '' }, 'saved', () => updateCourse(req, req.params.id, detailsOf(req.body))),
  }),

  ...(['publish', 'archive'] as const).map((action) => defineRoute({
    ...editor, method: 'POST', path: `/admin/courses/:id/${action}`, params: CourseParams, body: Type.Object({}), summary: `${action} a course (form)`,
    handler: (req) => editorButton(req, action === 'publish' ? 'published' : 'archived', () => setStatus(req, req.params.id, action)),
  })),

  defineRoute({
    ...editor, method: 'POST', path: '/admin/courses/:id/sections', params: CourseParams, summary: 'Add a section (form)', body: Type.Object({ title: TitleField }),
    handler: (req) => editorForm(req, 'section', req.body, 'section-added', () => addSection(req, req.params.id, { title: filled(req.body.title, 'title') })),
  }),

  defineRoute({
    ...editor, method: 'POST', path: '/admin/courses/:id/sections/:sectionId', params: SectionParams, summary: 'Rename a section (form)',
    body: Type.Object({ title: TitleField }),
    handler: (req) => editorForm(req, `section-${req.params.sectionId}`, req.body, 'section-renamed',
      () => updateSection(req, req.params.id, req.params.sectionId, { title: filled(req.body.title, 'title') })),
  }),

  defineRoute({
    ...editor, method: 'POST', path: '/admin/courses/:id/sections/:sectionId/move', params: SectionParams, body: Direction, summary: 'Move a section up or down (form)',
    handler: (req) => editorButton(req, 'section-moved', () => updateSection(req, req.params.id, req.params.sectionId, { shift: shiftOf(req.body.direction) })),
  }),

  defineRoute({
    ...editor, method: 'POST', path: '/admin/courses/:id/sections/:sectionId/delete', params: SectionParams, summary: 'Delete a section and its items (form)',
    handler: (req) => editorButton(req, 'section-deleted', () => deleteSection(req, req.params.id, req.params.sectionId)),
  }),

  defineRoute({
    ...editor, method: 'POST', path: '/admin/courses/:id/sections/:sectionId/items', params: SectionParams, summary: 'Add an item to a section (form)',
    body: Type.Object({ contentId: Type.String({ maxLength: 241 }), title: TitleField, required: Type.Optional(Type.Boolean()) }),
    handler: (req) => editorForm(req, `add-item-${req.params.sectionId}`, req.body, 'item-added', () => {
      const contentId = req.body.contentId.trim();
      if (!contentId) throw badRequest('Choose the content.', [{ path: 'body.contentId', message: 'is required' }]);
      if (!new RegExp(CONTENT_ID_PATTERN).test(contentId)) {
        throw badRequest('Give the content as <type>:<id>, e.g. content:42.', [{ path: 'body.contentId', message: 'must be <type>:<id>, e.g. content:42' }]);
      }
      return addItem(req, req.params.id, req.params.sectionId, { contentId, title: given(req.body.title, 'trim'), required: req.body.required === true });
    }),
  }),

  defineRoute({
    ...editor, method: 'POST', path: '/admin/courses/:id/sections/:sectionId/items/:itemId', params: ItemParams, summary: 'Retitle an item, make it required or optional (form)',
    body: Type.Object({ title: TitleField, required: Type.Optional(Type.Boolean()) }),
    handler: (req) => editorForm(req, `item-${req.params.itemId}`, req.body, 'item-saved',
      () => updateItem(req, req.params.id, req.params.sectionId, req.params.itemId, { title: filled(req.body.title, 'title'), required: req.body.required === true })),
  }),

  defineRoute({
    ...editor, method: 'POST', path: '/admin/courses/:id/sections/:sectionId/items/:itemId/move', params: ItemParams, body: Direction, summary: 'Move an item up or down (form)',
    handler: (req) => editorButton(req, 'item-moved',
      () => updateItem(req, req.params.id, req.params.sectionId, req.params.itemId, { shift: shiftOf(req.body.direction) })),
  }),

  defineRoute({
    ...editor, method: 'POST', path: '/admin/courses/:id/sections/:sectionId/items/:itemId/delete', params: ItemParams, summary: 'Remove an item (form)',
    handler: (req) => editorButton(req, 'item-deleted', () => deleteItem(req, req.params.id, req.params.sectionId, req.params.itemId)),
  }),
];
