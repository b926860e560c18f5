// The content library (/admin/content, content:view): every item by title, found by text and filtered
// by type, status and review due, a page at a time; and the "Create content" form (content:create),
// which runs the same action as POST /api/v1/content and opens the new item's page.
import { defineAdminPage, defineRoute, pagerLinks, reply, submitForm, Type, type FormState, type SignedInRequest } from 'lectern';
import { byTitle } from '../cursors';
import { contentPermissions } from '../permissions';
import { createContent } from '../actions/content';
import { listContent } from '../model/items';
import { ContentStatusSchema, ContentTypeSchema } from '../schemas';
import { allObjectives, ContentForm, newContentFields, objectiveOptions } from './fields';
import { labelled, STATUSES, TYPES } from './labels';

const PATH = '/admin/content';
const VIEW = 'content/admin/library';
const PAGE_SIZE = 50;

const LibraryQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  type: Type.Optional(Type.Union([Type.Literal(''), ContentTypeSchema])),
  status: Type.Optional(Type.Union([Type.Literal(''), ContentStatusSchema])),
  reviewDue: Type.Optional(Type.Union([Type.Literal(''), Type.Literal('yes'), Type.Literal('no')])),
  cursor: byTitle.cursor,
});
interface Filters { q?: string; type?: string; status?: string; reviewDue?: string; cursor?: [string, number] }

async function libraryPage(req: SignedInRequest, f: Filters, forms: Record<string, FormState> = {}): Promise<Record<string, unknown>> {
  const filters = { q: f.q?.trim() || undefined, type: f.type || undefined, status: f.status || undefined, reviewDue: f.reviewDue || undefined };
  const [list, canCreate] = await Promise.all([
    listContent(req.db, { ...filters, reviewDue: filters.reviewDue === undefined ? undefined : filters.reviewDue === 'yes', limit: PAGE_SIZE, cursor: f.cursor }),
    req.can(contentPermissions.create),
  ]);
  const create = forms.create ?? { values: { type: '' } };
  return {
    title: 'Content', filters, items: list.items.map(labelled), types: TYPES, statuses: STATUSES, canCreate,
    typeGroups: [{ label: null, options: TYPES }],
    objectives: canCreate ? objectiveOptions(await allObjectives(req.db), create.values?.objectiveIds) : [],
    pager: pagerLinks(PATH, filters, list.nextCursor, f.cursor !== undefined),
    forms: { create },
  };
}

export const libraryAdminPage = defineAdminPage({
  path: PATH, title: 'Content', permission: contentPermissions.view, view: VIEW, query: LibraryQuery,
  load: (req) => libraryPage(req, req.query),
});

export const createContentRoute = defineRoute({
  method: 'POST', path: PATH, permission: contentPermissions.create, html: true, summary: 'Create content (form)',
  body: Type.Object({ type: Type.String({ maxLength: 20 }), ...ContentForm }),
  async handler(req) {
    return submitForm(req, { view: VIEW, form: 'create', values: req.body, load: (sent) => libraryPage(req, {}, sent) }, async () => {
      const created = await createContent(req, newContentFields(req.body));
      return reply.redirect(`${PATH}/${created.id}?done=created`);
    });
  },
});
