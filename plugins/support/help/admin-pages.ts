// The help center's admin pages (help:manage): /admin/help lists every article with its feedback and
// holds the "New article" form; /admin/help/:id edits one (mistakes beside their fields) and deletes it
// after a confirmation page. Each form runs the same action as the JSON API (actions.ts).
import { defineAdminPage, defineRoute, Done, doneNotice, pagerLinks, reply, submitForm, Type, type FormState, type SignedInRequest } from 'lectern';
import { helpPermissions } from '../permissions';
import { createArticle, deleteArticle, updateArticle } from './actions';
import { ArticleForm, articleFromForm, formOf } from './form';
import { listArticles, keyOf, loadArticle, type ArticleRow } from './model';
import { withCounts } from './routes';
import { byKey, IdString, LIMITS } from './schemas';
import { viewerOf } from './viewer';

export const ADMIN_PATH = '/admin/help';
const LIST_VIEW = 'support/admin/help-list';
const EDIT_VIEW = 'support/admin/help-edit';
const PAGE_SIZE = 50;
const NOTICES = { created: 'The article is saved.', saved: 'Your changes are saved.', deleted: 'The article and the feedback on it are deleted.' };
const KIND_GROUPS = [{ label: null, options: [{ value: 'guide', label: 'Guide' }, { value: 'faq', label: 'FAQ' }] }];
const formLimits = { limits: LIMITS, kindGroups: KIND_GROUPS };

async function listPage(req: SignedInRequest, cursor: [string, number] | undefined, forms: Record<string, FormState> = {}): Promise<Record<string, unknown>> {
  const viewer = await viewerOf(req, req.principal);
  const rows = await listArticles(req.db, viewer, {}, PAGE_SIZE, cursor) as ArticleRow[];
  const page = byKey.page(rows, PAGE_SIZE, (r) => r, keyOf(false));
  return {
    title: 'Help articles', ...formLimits, articles: await withCounts(req, page.items, true),
    pager: pagerLinks(ADMIN_PATH, {}, page.nextCursor, cursor !== undefined),
    forms: { create: forms.create ?? { values: { kind: 'guide', published: 'on' } } },
  };
}

export const helpAdminPage = defineAdminPage({
  path: ADMIN_PATH, title: 'Help articles', permission: helpPermissions.manage, view: LIST_VIEW,
  query: Type.Object({ cursor: byKey.cursor, done: Done }),
  load: async (req) => ({ ...(await listPage(req, req.query.cursor)), notice: doneNotice(NOTICES, req.query.done) }),
});

const byId = { permission: helpPermissions.manage, html: true as const, params: Type.Object({ id: IdString }) };

async function editPage(req: SignedInRequest, id: string, forms: Record<string, FormState> = {}): Promise<Record<string, unknown>> {
  const viewer = await viewerOf(req, req.principal);
  const row = await loadArticle(req.db, viewer, { id });
  const [article] = await withCounts(req, [row], true);
  return { title: `Edit: ${row.title}`, ...formLimits, article, forms: { edit: forms.edit ?? { values: formOf(article) } } };
}

export const helpAdminRoutes = [
  defineRoute({
    method: 'POST', path: ADMIN_PATH, permission: helpPermissions.manage, html: true, body: ArticleForm, summary: 'Write a help article (form)',
    async handler(req) {
      const page = { view: LIST_VIEW, form: 'create', values: req.body, conflictField: 'slug', load: (sent: Record<string, FormState>) => listPage(req, undefined, sent) };
      return submitForm(req, page, async () => {
        const row = await createArticle(req, articleFromForm(req.body));
        return reply.redirect(`${ADMIN_PATH}/${row.id}?done=created`);
      });
    },
  }),
  defineRoute({
    ...byId, method: 'GET', path: `${ADMIN_PATH}/:id`, query: Type.Object({ done: Done }), summary: 'Edit a help article (page)',
    async handler(req) {
      return req.page(EDIT_VIEW, { ...(await editPage(req, req.params.id)), notice: doneNotice(NOTICES, req.query.done) });
    },
  }),
  defineRoute({
    ...byId, method: 'POST', path: `${ADMIN_PATH}/:id`, body: ArticleForm, summary: 'Save a help article (form)',
    async handler(req) {
      const { id } = req.params;
      const page = { view: EDIT_VIEW, form: 'edit', values: req.body, conflictField: 'slug', load: (sent: Record<string, FormState>) => editPage(req, id, sent) };
      return submitForm(req, page, async () => {
        await updateArticle(req, id, articleFromForm(req.body));
        return reply.redirect(`${ADMIN_PATH}/${id}?done=saved`);
      });
    },
  }),
  defineRoute({
    ...byId, method: 'GET', path: `${ADMIN_PATH}/:id/delete`, summary: 'Confirm deleting a help article (page)',
    async handler(req) {
      const viewer = await viewerOf(req, req.principal);
      const [article] = await withCounts(req, [await loadArticle(req.db, viewer, { id: req.params.id })], true);
      return req.page('support/admin/help-delete', { title: 'Delete a help article', article });
    },
  }),
  defineRoute({
    ...byId, method: 'POST', path: `${ADMIN_PATH}/:id/delete`, body: Type.Object({}), summary: 'Delete a help article (form)',
    async handler(req) {
      await deleteArticle(req, req.params.id);
      return reply.redirect(`${ADMIN_PATH}?done=deleted`);
    },
  }),
];
