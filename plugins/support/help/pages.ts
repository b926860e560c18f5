// The help center's pages for everyone signed in: /help (search, kinds, categories and the list of what
// the reader may see) and /help/:slug (the article rendered, and the "was this helpful" form, whose
// answer replaces an earlier one). Managers also see each article's feedback and an Edit link.
import { badRequest, defineRoute, Done, doneNotice, pagerLinks, reply, submitForm, Type, type SignedInRequest } from 'lectern';
import { giveFeedback } from './actions';
import { categories, FEEDBACK, feedbackCounts, keyOf, listArticles, loadArticle, toArticle, type ArticleRow } from './model';
import { renderMarkdown } from './markdown';
import { byKey, LIMITS, Slug } from './schemas';
import { ListQuery } from './routes';
import { viewerOf } from './viewer';

const PAGE_SIZE = 20;
const KINDS = [{ value: '', label: 'support.help.kind.all' }, { value: 'guide', label: 'support.help.kind.guides' }, { value: 'faq', label: 'support.help.kind.faqs' }];

export const helpListPage = defineRoute({
  method: 'GET', path: '/help', authenticated: true, html: true, summary: 'The help center (page)', query: ListQuery,
  async handler(req) {
    const viewer = await viewerOf(req, req.principal);
    const { cursor, limit: _limit, ...filter } = req.query;
    const q = filter.q?.trim() || undefined;
    const [rows, cats] = await Promise.all([listArticles(req.db, viewer, { ...filter, q }, PAGE_SIZE, cursor) as Promise<ArticleRow[]>, categories(req.db, viewer)]);
    const page = byKey.page(rows, PAGE_SIZE, toArticle, keyOf(q !== undefined));
    const filters = { q, kind: filter.kind, category: filter.category, tag: filter.tag };
    return req.page('support/help/list', {
      title: 'support.help.title', filters,
      kinds: KINDS.map((k) => ({ ...k, current: (filter.kind ?? '') === k.value, href: `/help?${new URLSearchParams(Object.entries({ ...filters, kind: k.value }).filter((e): e is [string, string] => Boolean(e[1])))}` })),
      categories: cats.map((c) => ({ name: c, current: c === filter.category, href: `/help?${new URLSearchParams({ category: c })}` })),
      articles: page.items, searching: q !== undefined,
      pager: pagerLinks('/help', filters, page.nextCursor, cursor !== undefined),
    });
  },
});

const NOTICES = { thanks: 'Thank you: your answer is recorded.' };
const FeedbackForm = Type.Object({ helpful: Type.Optional(Type.String({ maxLength: 3 })), comment: Type.Optional(Type.String({ maxLength: LIMITS.comment })) });
const bySlug = Type.Object({ slug: Slug });

async function articlePage(req: SignedInRequest, slug: string): Promise<Record<string, unknown>> {
  const viewer = await viewerOf(req, req.principal);
  const row = await loadArticle(req.db, viewer, { slug });
  const [counts, mine] = await Promise.all([
    viewer.manager ? feedbackCounts(req.db, [String(row.id)]) : undefined,
    req.db(FEEDBACK).where({ article_id: row.id, user_id: req.principal.id }).first('helpful', 'comment') as Promise<{ helpful: boolean; comment: string | null } | undefined>,
  ]);
  return {
    title: row.title, article: toArticle(row), html: renderMarkdown(row.body), manager: viewer.manager,
    categoryHref: `/help?${new URLSearchParams({ category: row.category })}`,
    tagLinks: row.tags.map((tag) => ({ tag, href: `/help?${new URLSearchParams({ tag })}` })),
    feedback: counts ? counts.get(String(row.id)) ?? { helpful: 0, notHelpful: 0 } : null,
    breadcrumbs: [{ title: 'support.help.title', path: '/help' }, { title: row.title, path: `/help/${row.slug}` }],
    forms: { feedback: { values: mine ? { helpful: mine.helpful ? 'yes' : 'no', comment: mine.comment ?? '' } : {} } },
    answered: Boolean(mine),
  };
}

export const helpArticlePages = [
  defineRoute({
    method: 'GET', path: '/help/:slug', authenticated: true, html: true, summary: 'A help article (page)', params: bySlug, query: Type.Object({ done: Done }),
    async handler(req) {
      return req.page('support/help/article', { ...(await articlePage(req, req.params.slug)), notice: doneNotice(NOTICES, req.query.done) });
    },
  }),
  defineRoute({
    method: 'POST', path: '/help/:slug/feedback', authenticated: true, html: true, summary: 'Say whether a help article helped (form)', params: bySlug, body: FeedbackForm,
    async handler(req) {
      const { slug } = req.params;
      const page = { view: 'support/help/article', form: 'feedback', values: req.body, load: () => articlePage(req, slug) };
      return submitForm(req, page, async () => {
        const { helpful } = req.body;
        if (helpful !== 'yes' && helpful !== 'no') throw badRequest('Say whether the article helped.', [{ path: 'body.helpful', message: 'must be yes or no' }]);
        await giveFeedback(req, { slug }, helpful === 'yes', req.body.comment);
        return reply.redirect(`/help/${slug}?done=thanks`);
      });
    },
  }),
];
