// The admin article form: what the browser sends (text fields; lists comma- or line-separated, a checkbox
// for "published") turned into the API's input, with every mistake named beside its field, as the JSON
// schema would (forms are validated here because a browser sends plain strings).
import { badRequest, Type, type FieldError, type Static } from 'lectern';
import { LIMITS, SLUG_PATTERN, type ArticleInput } from './schemas';
import type { NewArticle } from './actions';

const text = (max: number) => Type.Optional(Type.String({ maxLength: max }));
export const ArticleForm = Type.Object({
  kind: text(10), title: text(LIMITS.title), slug: text(80), category: text(LIMITS.category), tags: text(2000), roles: text(2000),
  pages: text(8000), published: text(10), body: text(LIMITS.body),
});
export type ArticleFormValues = Static<typeof ArticleForm>;

const items = (value: string | undefined) => [...new Set((value ?? '').split(/[,\n]/).map((v) => v.trim()).filter(Boolean))];

/** The form's values as an article; a 400 naming each bad field otherwise. */
export function articleFromForm(form: ArticleFormValues): NewArticle {
  const errors: FieldError[] = [];
  const bad = (field: string, message: string) => errors.push({ path: `body.${field}`, message });
  const kind = form.kind === 'faq' ? 'faq' as const : 'guide' as const;
  if (form.kind !== 'guide' && form.kind !== 'faq') bad('kind', 'must be a guide or an FAQ');
  const title = (form.title ?? '').trim();
  if (!title) bad('title', 'is required');
  const body = form.body ?? '';
  if (!body.trim()) bad('body', 'is required');
  const slug = (form.slug ?? '').trim();
  if (slug && !new RegExp(SLUG_PATTERN).test(slug)) bad('slug', 'must be lowercase letters and digits joined by single hyphens, e.g. enroll-in-a-course');
  const tags = items(form.tags);
  if (tags.length > LIMITS.tags) bad('tags', `must be at most ${LIMITS.tags} tags`);
  if (tags.some((t) => t.length > LIMITS.tag)) bad('tags', `must each be at most ${LIMITS.tag} characters`);
  const roles = items(form.roles);
  if (roles.length > LIMITS.roles || roles.some((r) => !/^[a-z][a-z0-9-]{0,39}$/.test(r))) bad('roles', 'must be role keys such as learner, instructor');
  const pages = items(form.pages);
  if (pages.length > LIMITS.pages || pages.some((p) => p.length > LIMITS.page || !/^\/[A-Za-z0-9_:/.{}*-]*$/.test(p))) bad('pages', 'must be page paths such as /courses/:id, one per line');
  if (errors.length) throw badRequest(`Correct ${errors.length > 1 ? 'the marked fields' : 'the marked field'}.`, errors);
  const input: ArticleInput = { category: (form.category ?? '').trim(), tags, roles, pages, published: form.published === 'on' };
  return { ...input, kind, title, body, ...(slug ? { slug } : {}) };
}

/** An article as the form shows it. */
export function formOf(a: { kind: string; title: string; slug: string; category: string; tags: string[]; roles: string[]; pages: string[]; published: boolean; body: string }): Record<string, unknown> {
  return { kind: a.kind, title: a.title, slug: a.slug, category: a.category, tags: a.tags.join(', '), roles: a.roles.join(', '), pages: a.pages.join('\n'), published: a.published ? 'on' : '', body: a.body };
}
