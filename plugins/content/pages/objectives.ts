// Learning objectives on the pages: the list (/admin/objectives, content:view) with how much published
// content covers each and an "uncovered only" filter, the create form, and one objective's page
// (/admin/objectives/:id) with its coverage — the content and the courses covering it, or the plain
// statement that nothing does — and its edit form. Forms run createObjective and updateObjective.
import {
  badRequest, defineAdminPage, defineRoute, Done, doneNotice, pagerLinks, reply, submitForm, Type, type FieldError, type FormState, type SignedInRequest,
} from 'lectern';
import { byTitle } from '../cursors';
import { contentPermissions } from '../permissions';
import { coverage, listObjectives } from '../model/objectives';
import { createObjective, updateObjective } from '../routes/objectives';
import { ObjectiveCode, ObjectiveIdParams } from '../schemas';
import { typeLabel } from './labels';

const PATH = '/admin/objectives';
const LIST_VIEW = 'content/admin/objectives';
const VIEW = 'content/admin/objective';
const PAGE_SIZE = 50;
const NOTICES = { created: 'The objective is created. Link content to it from the content pages.', saved: 'The objective is saved.' };
const CODE = new RegExp(ObjectiveCode.pattern as string);

const ObjectiveForm = Type.Object({
  code: Type.String({ maxLength: 40 }), title: Type.String({ maxLength: 300 }), description: Type.Optional(Type.String({ maxLength: 5_000 })),
});
type ObjectiveValues = { code: string; title: string; description?: string };

/** The form's values as the actions take them; a bad code or a blank title is a 400 on its field. */
function objectiveFields(v: ObjectiveValues): Required<ObjectiveValues> {
  const code = v.code.trim();
  const title = v.title.trim();
  const errors: FieldError[] = [];
  if (!CODE.test(code)) errors.push({ path: 'body.code', message: 'must start with a letter or digit and hold only letters, digits, ".", "_" and "-"' });
  if (!title) errors.push({ path: 'body.title', message: 'is required' });
  if (errors.length) throw badRequest('Check the marked fields.', errors);
  return { code, title, description: v.description?.trim() ?? '' };
}

interface Filters { q?: string; uncovered?: boolean; cursor?: [string, number] }

async function objectivesPage(req: SignedInRequest, f: Filters, forms: Record<string, FormState> = {}) {
  const [list, canManage] = await Promise.all([
    listObjectives(req.db, { ...f, limit: PAGE_SIZE }), req.can(contentPermissions.manageObjectives),
  ]);
  const filters = { q: f.q?.trim() || undefined, uncovered: f.uncovered ? 'true' : undefined };
  return { title: 'Objectives', objectives: list.items, filters, canManage, forms, pager: pagerLinks(PATH, filters, list.nextCursor, f.cursor !== undefined) };
}

async function objectivePage(req: SignedInRequest, id: string, forms: Record<string, FormState> = {}) {
  const [covered, canManage] = await Promise.all([coverage(req, id), req.can(contentPermissions.manageObjectives)]);
  const { objective } = covered;
  const content = covered.content.map((c) => ({ ...c, typeLabel: typeLabel(c.type) }));
  const titled = new Map(content.map((c) => [c.id, c]));
  const courses = covered.courses.map((course) => ({ ...course, content: course.contentIds.map((id) => titled.get(id)) }));
  const edit = forms.edit ?? { values: { code: objective.code, title: objective.title, description: objective.description } };
  return { title: `${objective.code} ${objective.title}`, objective, covered: covered.covered, content, courses, canManage, forms: { ...forms, edit } };
}

export const objectivesAdminPage = defineAdminPage({
  path: PATH, title: 'Objectives', permission: contentPermissions.view, view: LIST_VIEW,
  query: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), uncovered: Type.Optional(Type.Boolean()), cursor: byTitle.cursor }),
  load: (req) => objectivesPage(req, req.query),
});

export const objectivePageRoutes = [
  defineRoute({
    method: 'POST', path: PATH, permission: contentPermissions.manageObjectives, html: true, body: ObjectiveForm, summary: 'Create a learning objective (form)',
    async handler(req) {
      return submitForm(req, { view: LIST_VIEW, form: 'create', values: req.body, conflictField: 'code', load: (sent) => objectivesPage(req, {}, sent) }, async () => {
        const created = await createObjective(req, objectiveFields(req.body));
        return reply.redirect(`${PATH}/${created.id}?done=created`);
      });
    },
  }),

  defineRoute({
    method: 'GET', path: `${PATH}/:id`, permission: contentPermissions.view, html: true, params: ObjectiveIdParams,
    query: Type.Object({ done: Done }), summary: 'A learning objective and what covers it (page)',
    async handler(req) {
      return req.page(VIEW, { ...(await objectivePage(req, req.params.id)), notice: doneNotice(NOTICES, req.query.done) });
    },
  }),

  defineRoute({
    method: 'POST', path: `${PATH}/:id`, permission: contentPermissions.manageObjectives, html: true, params: ObjectiveIdParams, body: ObjectiveForm,
    summary: 'Edit a learning objective (form)',
    async handler(req) {
      const { id } = req.params;
      return submitForm(req, { view: VIEW, form: 'edit', values: req.body, conflictField: 'code', load: (sent) => objectivePage(req, id, sent) }, async () => {
        await updateObjective(req, id, objectiveFields(req.body));
        return reply.redirect(`${PATH}/${id}?done=saved`);
      });
    },
  }),
];
