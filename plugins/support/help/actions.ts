// Changes to the help center, shared by the JSON API and the admin pages: create, update and delete an
// article, and record a person's "was this helpful" answer. Each runs in one transaction with its audit
// record and the change notice that keeps every instance's page index current.
import { badRequest, CoreServices, type Knex, type SignedInRequest } from 'lectern';
import { ARTICLES, COLUMNS, FEEDBACK, loadArticle, type ArticleRow } from './model';
import { helpChanged } from './page-index';
import { SLUG_PATTERN, type ArticleInput, type Kind } from './schemas';
import { viewerOf } from './viewer';

export interface NewArticle extends ArticleInput { kind: Kind; title: string; body: string }

/** A slug from a title: lowercase words joined by hyphens ("Enroll in a course" → "enroll-in-a-course"). */
export function slugOf(title: string): string {
  return title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
}

/** Role keys that name no role are a 400 on `body.roles`. */
async function checkRoles(req: SignedInRequest, roles: readonly string[] | undefined, db: Knex): Promise<void> {
  if (!roles?.length) return;
  const known = new Set((await req.resolve(CoreServices.permissions).listRoles(db)).map((r) => r.key));
  const unknown = roles.filter((r) => !known.has(r));
  if (unknown.length) throw badRequest(`No such role: ${unknown.join(', ')}.`, [{ path: 'body.roles', message: `names no role: ${unknown.join(', ')}` }]);
}

const columnsOf = (input: ArticleInput) => ({
  ...(input.kind !== undefined ? { kind: input.kind } : {}),
  ...(input.title !== undefined ? { title: input.title.trim() } : {}),
  ...(input.slug !== undefined ? { slug: input.slug } : {}),
  ...(input.body !== undefined ? { body: input.body } : {}),
  ...(input.category !== undefined ? { category: input.category.trim() } : {}),
  ...(input.tags !== undefined ? { tags: JSON.stringify(input.tags.map((t) => t.trim())) } : {}),
  ...(input.roles !== undefined ? { roles: JSON.stringify(input.roles) } : {}),
  ...(input.pages !== undefined ? { pages: JSON.stringify(input.pages) } : {}),
  ...(input.published !== undefined ? { published: input.published } : {}),
});

export async function createArticle(req: SignedInRequest, input: NewArticle): Promise<ArticleRow> {
  const slug = input.slug ?? slugOf(input.title);
  if (!new RegExp(SLUG_PATTERN).test(slug)) throw badRequest('Give the article a slug: its title has no letters or digits to make one from.', [{ path: 'body.slug', message: 'is required when the title has no letters or digits' }]);
  return req.transaction(async (tx) => {
    await checkRoles(req, input.roles, tx.db);
    const now = req.now();
    const [row] = await tx.db(`${ARTICLES} as a`).insert({ ...columnsOf(input), slug, author_id: req.principal.id, created_at: now, updated_at: now })
      .returning(COLUMNS.map((c) => c.slice(2))) as ArticleRow[];
    await tx.audit({ action: 'support.help.create', target: { type: 'help-article', id: String(row.id) }, details: { slug, title: row.title } });
    await helpChanged(tx);
    return row;
  });
}

export async function updateArticle(req: SignedInRequest, id: string, input: ArticleInput): Promise<ArticleRow> {
  const viewer = await viewerOf(req, req.principal);
  return req.transaction(async (tx) => {
    await loadArticle(tx.db, viewer, { id });
    await checkRoles(req, input.roles, tx.db);
    const [row] = await tx.db(ARTICLES).where({ id }).update({ ...columnsOf(input), updated_at: req.now() })
      .returning(COLUMNS.map((c) => c.slice(2))) as ArticleRow[];
    await tx.audit({ action: 'support.help.update', target: { type: 'help-article', id }, details: { fields: Object.keys(input).sort() } });
    await helpChanged(tx);
    return row;
  });
}

export async function deleteArticle(req: SignedInRequest, id: string): Promise<void> {
  const viewer = await viewerOf(req, req.principal);
  await req.transaction(async (tx) => {
    const row = await loadArticle(tx.db, viewer, { id });
    await tx.db(ARTICLES).where({ id }).delete();
    await tx.audit({ action: 'support.help.delete', target: { type: 'help-article', id }, details: { slug: row.slug, title: row.title } });
    await helpChanged(tx);
  });
}

export interface FeedbackRow { article_id: string | number; helpful: boolean; comment: string | null; updated_at: Date | string }

/** The caller's answer to "was this helpful" about an article they may see; a second answer replaces the first. */
export async function giveFeedback(req: SignedInRequest, by: { id: string } | { slug: string }, helpful: boolean, comment: string | undefined): Promise<FeedbackRow> {
  const viewer = await viewerOf(req, req.principal);
  return req.transaction(async (tx) => {
    const article = await loadArticle(tx.db, viewer, by);
    const now = req.now();
    const text = comment?.trim() ? comment.trim() : null;
    const [row] = await tx.db(FEEDBACK)
      .insert({ article_id: article.id, user_id: req.principal.id, helpful, comment: text, created_at: now, updated_at: now })
      .onConflict(['article_id', 'user_id']).merge(['helpful', 'comment', 'updated_at'])
      .returning(['article_id', 'helpful', 'comment', 'updated_at']) as FeedbackRow[];
    return row;
  });
}
