// The help center's input and answer schemas: routes declare them (the OpenAPI document's shapes, and in
// tests checked against every answer), and the admin form takes its limits from them.
import { keyset, named, Type, type Static } from 'lectern';

export const IdString = Type.String({ pattern: '^[0-9]{1,18}$' });
export const SLUG_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
export const Slug = Type.String({ pattern: SLUG_PATTERN, minLength: 1, maxLength: 80, description: 'The article\'s address: /help/<slug>' });
export const KindSchema = Type.Union([Type.Literal('guide'), Type.Literal('faq')]);
export type Kind = Static<typeof KindSchema>;

export const LIMITS = { title: 200, body: 100_000, category: 80, tag: 40, tags: 20, roles: 20, page: 200, pages: 30, comment: 2000 } as const;
const RoleKey = Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$' });
const RoutePattern = Type.String({ pattern: '^/[A-Za-z0-9_:/.{}*-]*$', maxLength: LIMITS.page, description: 'A page\'s route pattern, e.g. /courses/:id' });
const Tag = Type.String({ minLength: 1, maxLength: LIMITS.tag, pattern: '\\S' });

const editable = {
  kind: KindSchema,
  title: Type.String({ minLength: 1, maxLength: LIMITS.title, pattern: '\\S' }),
  slug: Slug,
  body: Type.String({ minLength: 1, maxLength: LIMITS.body, pattern: '\\S', description: 'Markdown' }),
  category: Type.String({ maxLength: LIMITS.category }),
  tags: Type.Array(Tag, { maxItems: LIMITS.tags, uniqueItems: true }),
  roles: Type.Array(RoleKey, { maxItems: LIMITS.roles, uniqueItems: true, description: 'Role keys that see it; empty: every signed-in person' }),
  pages: Type.Array(RoutePattern, { maxItems: LIMITS.pages, uniqueItems: true }),
  published: Type.Boolean(),
};
export const CreateArticle = Type.Object({
  kind: editable.kind, title: editable.title, body: editable.body,
  slug: Type.Optional(editable.slug), category: Type.Optional(editable.category), tags: Type.Optional(editable.tags),
  roles: Type.Optional(editable.roles), pages: Type.Optional(editable.pages), published: Type.Optional(editable.published),
}, { additionalProperties: false });
export const UpdateArticle = Type.Partial(Type.Object(editable), { additionalProperties: false, minProperties: 1 });
export type ArticleInput = Static<typeof UpdateArticle>;

export const Feedback = Type.Object({
  helpful: Type.Boolean(),
  comment: Type.Optional(Type.String({ maxLength: LIMITS.comment })),
}, { additionalProperties: false });

const Time = Type.String({ format: 'date-time' });
export const FeedbackCounts = Type.Object({ helpful: Type.Integer({ minimum: 0 }), notHelpful: Type.Integer({ minimum: 0 }) });
export const Article = named('HelpArticle', Type.Object({
  id: IdString, kind: KindSchema, slug: Type.String(), title: Type.String(), body: Type.String({ description: 'Markdown' }),
  category: Type.String(), tags: Type.Array(Type.String()), roles: Type.Array(Type.String()), pages: Type.Array(Type.String()),
  published: Type.Boolean(), authorId: Type.Union([IdString, Type.Null()]), createdAt: Time, updatedAt: Time,
  html: Type.Optional(Type.String({ description: 'The body rendered and sanitized (one article only)' })),
  feedback: Type.Optional(FeedbackCounts),
}));
export type ArticleAnswer = Static<typeof Article>;

export const FeedbackAnswer = named('HelpFeedback', Type.Object({
  articleId: IdString, helpful: Type.Boolean(), comment: Type.Union([Type.String(), Type.Null()]), updatedAt: Time,
}));

/** Lists: by relevance (rank as text, id) when searching, else by title (title, id); both are a string and an id. */
export const byKey = keyset('string', 'int');
