// The help center's JSON API (API.md "Support, privacy"): articles a signed-in person may read, searched
// and filtered; their creation, change and deletion by holders of help:manage; and "was this helpful".
import { defineRoute, pageOf, reply, Type, type SignedInRequest } from 'lectern';
import { helpPermissions } from '../permissions';
import { createArticle, deleteArticle, giveFeedback, updateArticle } from './actions';
import { feedbackCounts, listArticles, keyOf, loadArticle, toArticle, type ArticleRow } from './model';
import { renderMarkdown } from './markdown';
import { Article, byKey, CreateArticle, Feedback, FeedbackAnswer, IdString, KindSchema, LIMITS, UpdateArticle, type ArticleAnswer } from './schemas';
import { viewerOf } from './viewer';

const byId = { params: Type.Object({ id: IdString }) };

/** Articles as the API shows them, with feedback counts for managers. */
export async function withCounts(req: SignedInRequest, rows: ArticleRow[], manager: boolean): Promise<ArticleAnswer[]> {
  const counts = manager ? await feedbackCounts(req.db, rows.map((r) => String(r.id))) : undefined;
  return rows.map((r) => ({ ...toArticle(r), ...(counts ? { feedback: counts.get(String(r.id)) ?? { helpful: 0, notHelpful: 0 } } : {}) }));
}

export const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Words to search for (web search syntax: "quoted phrase", -excluded, or)' })),
  kind: Type.Optional(KindSchema),
  category: Type.Optional(Type.String({ maxLength: LIMITS.category })),
  tag: Type.Optional(Type.String({ maxLength: LIMITS.tag })),
  ...byKey.query,
});

export const helpRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/help/articles', authenticated: true, query: ListQuery,
    summary: 'Help articles the caller may read, by relevance to `q` or by title', responses: { 200: pageOf(Article) },
    async handler(req) {
      const viewer = await viewerOf(req, req.principal);
      const { limit, cursor, ...filter } = req.query;
      const q = filter.q?.trim() || undefined;
      const rows = await listArticles(req.db, viewer, { ...filter, q }, limit, cursor) as ArticleRow[];
      const page = byKey.page(rows, limit, (r) => r, keyOf(q !== undefined));
      return { items: await withCounts(req, page.items, viewer.manager), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/help/articles/:id', authenticated: true, ...byId,
    summary: 'One help article, with its body rendered', responses: { 200: Article },
    async handler(req) {
      const viewer = await viewerOf(req, req.principal);
      const row = await loadArticle(req.db, viewer, { id: req.params.id });
      const [article] = await withCounts(req, [row], viewer.manager);
      return { ...article, html: renderMarkdown(row.body) };
    },
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/help/articles', permission: helpPermissions.manage, body: CreateArticle,
    summary: 'Write a help article (a guide or an FAQ)', responses: { 201: Article }, errors: [409],
    async handler(req) {
      return reply.created(toArticle(await createArticle(req, req.body)));
    },
  }),
  defineRoute({
    method: 'PATCH', path: '/api/v1/help/articles/:id', permission: helpPermissions.manage, ...byId, body: UpdateArticle,
    summary: 'Change a help article', responses: { 200: Article }, errors: [409],
    async handler(req) {
      return toArticle(await updateArticle(req, req.params.id, req.body));
    },
  }),
  defineRoute({
    method: 'DELETE', path: '/api/v1/help/articles/:id', permission: helpPermissions.manage, ...byId,
    summary: 'Delete a help article and the feedback on it', responses: { 204: null },
    async handler(req) {
      await deleteArticle(req, req.params.id);
      return reply.noContent();
    },
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/help/articles/:id/feedback', authenticated: true, ...byId, body: Feedback,
    summary: 'Say whether an article helped (a second answer replaces the first)', responses: { 200: FeedbackAnswer },
    async handler(req) {
      const row = await giveFeedback(req, { id: req.params.id }, req.body.helpful, req.body.comment);
      return { articleId: String(row.article_id), helpful: row.helpful, comment: row.comment, updatedAt: new Date(row.updated_at).toISOString() };
    },
  }),
];
