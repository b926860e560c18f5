// The content plugin's input and answer schemas: content and its versions, objectives and coverage,
// and a course item's delivery. Routes declare these, so they are the OpenAPI document's shapes and,
// in tests, checked against every real answer.
import { named, pageOf, Type } from 'lectern';

export const IdString = Type.String({ pattern: '^[0-9]{1,18}$' });
const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Percent = Type.Integer({ minimum: 1, maximum: 100 });

export const ContentParams = Type.Object({ id: IdString });
export const VersionParams = Type.Object({ id: IdString, n: Type.Integer({ minimum: 1, maximum: 1_000_000 }) });
export const CourseItemParams = Type.Object({ id: IdString, itemId: IdString });
export const ObjectiveIdParams = Type.Object({ id: IdString });

export const ContentTypeSchema = Type.Union([Type.Literal('page'), Type.Literal('file'), Type.Literal('video'), Type.Literal('link')]);
export const ContentStatusSchema = Type.Union([Type.Literal('draft'), Type.Literal('in_review'), Type.Literal('published')]);
const CompleteWhen = Type.Union([Type.Literal('opened'), Type.Literal('done')], { description: 'A page completes when opened, or when the learner presses "done"' });

export const Title = Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' });
const Markdown = Type.String({ maxLength: 200_000, description: 'Markdown; rendered to sanitized HTML' });
const Url = Type.String({ maxLength: 2_000, description: 'An http or https address' });
const Note = Type.String({ maxLength: 2_000, description: 'What changed, for the version history' });
const ObjectiveIds = Type.Array(IdString, { maxItems: 100, uniqueItems: true });
const ReviewEveryDays = Type.Integer({ minimum: 1, maximum: 3_650, description: 'Days after each approval before the content is due for review' });

const editable = {
  title: Type.Optional(Title),
  body: Type.Optional(Type.Union([Markdown, Type.Null()])),
  url: Type.Optional(Type.Union([Url, Type.Null()])),
  note: Type.Optional(Note),
  objectiveIds: Type.Optional(ObjectiveIds),
  reviewEveryDays: Type.Optional(Type.Union([ReviewEveryDays, Type.Null()])),
  completeWhen: Type.Optional(CompleteWhen),
  watchPercent: Type.Optional(Type.Union([Percent, Type.Null()], { description: 'Share of an uploaded video to watch; null for the setting videoCompletionPercent' })),
};
export const CreateContent = Type.Object({ ...editable, type: ContentTypeSchema, title: Title }, { additionalProperties: false });
export const UpdateContent = Type.Object(editable, { additionalProperties: false, minProperties: 1 });

export const Version = named('ContentVersion', Type.Object({
  number: Type.Integer({ minimum: 1 }), title: Type.String(), body: NullableString,
  html: Type.Union([Type.String(), Type.Null()], { description: 'The body rendered to sanitized HTML' }), url: NullableString,
  file: Type.Union([Type.Object({ name: Type.String(), size: Type.Integer({ minimum: 0 }), mediaType: Type.String(), sha256: Type.String() }), Type.Null()]),
  note: Type.String(), authorId: NullableString, createdAt: Time, restoredFrom: Type.Union([Type.Integer(), Type.Null()]),
  submittedBy: NullableString, submittedAt: NullableTime, reviewedBy: NullableString, reviewedAt: NullableTime,
  reviewOutcome: Type.Union([Type.Literal('approved'), Type.Literal('rejected'), Type.Null()]), rejectReason: NullableString,
}));
export const VersionPage = pageOf(Version);

const summary = {
  id: IdString, type: ContentTypeSchema, title: Type.String(), status: ContentStatusSchema,
  version: Type.Integer({ minimum: 1, description: 'The latest version' }),
  publishedVersion: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'What learners see' }),
  ownerId: NullableString, reviewEveryDays: Type.Union([Type.Integer(), Type.Null()]), reviewDueAt: NullableTime,
  reviewDue: Type.Boolean({ description: 'Flagged by the review cycle: past its review date' }), updatedAt: Time,
};
export const ContentSummaryPage = pageOf(named('ContentSummary', Type.Object(summary)));
export const Content = named('Content', Type.Object({
  ...summary, completeWhen: CompleteWhen, watchPercent: Type.Union([Type.Integer(), Type.Null()]), reviewedAt: NullableTime,
  createdAt: Time, objectiveIds: Type.Array(IdString), latest: Version, published: Type.Union([Version, Type.Null()]),
}));

export const DiffLines = named('ContentDiff', Type.Object({
  from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }),
  lines: Type.Array(Type.Object({ op: Type.Union([Type.Literal('same'), Type.Literal('add'), Type.Literal('remove')]), text: Type.String() })),
}));

export const Objective = named('Objective', Type.Object({
  id: IdString, code: Type.String(), title: Type.String(), description: Type.String(),
  publishedContent: Type.Integer({ minimum: 0, description: 'Published content covering it' }), createdAt: Time, updatedAt: Time,
}));
export const ObjectivePage = pageOf(Objective);
export const Coverage = named('ObjectiveCoverage', Type.Object({
  objective: Objective, covered: Type.Boolean(),
  content: Type.Array(Type.Object({ id: IdString, type: ContentTypeSchema, title: Type.String(), publishedVersion: Type.Integer() })),
  courses: Type.Array(Type.Object({ id: IdString, title: Type.String(), code: Type.String(), status: Type.String(), contentIds: Type.Array(IdString) })),
}));
export const ObjectiveCode = Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });

export const Delivery = named('ContentDelivery', Type.Object({
  courseId: IdString, itemId: IdString, title: Type.String(), required: Type.Boolean(),
  content: Type.Object({
    id: IdString, type: ContentTypeSchema, title: Type.String(), version: Type.Integer(), html: NullableString, url: NullableString,
    embedUrl: NullableString,
    file: Type.Union([Type.Object({ name: Type.String(), size: Type.Integer(), mediaType: Type.String(), href: Type.String() }), Type.Null()]),
  }),
  completion: Type.Object({
    rule: Type.Union(['opened', 'done', 'download', 'watch'].map((r) => Type.Literal(r))),
    watchPercent: Type.Union([Type.Integer(), Type.Null()]), watchedPercent: Type.Integer({ minimum: 0, maximum: 100 }),
    completedAt: NullableTime, canComplete: Type.Boolean(),
  }),
}));
export const ItemDone = named('ContentItemDone', Type.Object({ completedAt: NullableTime, courseCompletedAt: NullableTime, watchedPercent: Type.Integer() }));
