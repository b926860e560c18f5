// The courses plugin's public surface (`lectern/courses`), for plugins that list 'courses' in dependsOn: its events
// when courses, enrollment and progress change; the extension point through which a plugin that owns content (the
// content plugin) lets courses place that content as items, offers it to editors and opens it for learners;
// the extension point through which a plugin links its own pages about a course from the course editor;
// and the services that read courses (CourseDirectory) and complete items (CourseProgress).
import { defineEvent, defineExtensionPoint, defineService, type Knex, type PermissionRef, type PluginContext } from 'lectern';

export type EnrollmentRole = 'learner' | 'instructor';
/** How an enrollment came about; `recertification` starts a new cycle for a learner whose completion is about to expire. */
export type EnrollmentSource = 'manual' | 'import' | 'cohort' | 'self' | 'recertification';

export const enrolled = defineEvent<{
  courseId: string; userId: string; role: EnrollmentRole; source: EnrollmentSource; cycle: number; dueAt: string | null;
}>('courses.enrolled');
export const unenrolled = defineEvent<{ courseId: string; userId: string; role: EnrollmentRole }>('courses.unenrolled');
/** An active enrollment's role or due date changed (enrolling someone already enrolled, manually or by CSV). */
export const enrollmentUpdated = defineEvent<{ courseId: string; userId: string; role: EnrollmentRole; dueAt: string | null }>('courses.enrollmentUpdated');
export const itemCompleted = defineEvent<{
  courseId: string; itemId: string; userId: string; cycle: number; score: number | null; completedAt: string;
}>('courses.itemCompleted');
export const courseCompleted = defineEvent<{
  courseId: string; userId: string; cycle: number; completedAt: string; expiresAt: string | null;
}>('courses.courseCompleted');
/** A completion of a course with `recertifyAfterDays` reached its expiry. */
export const completionExpired = defineEvent<{
  courseId: string; userId: string; cycle: number; completedAt: string; expiredAt: string;
}>('courses.completionExpired');

/** Something every enrollment's standing in a course depends on changed: its items (added, removed, made required or optional), its status, title, code, category or recertification period. */
export const courseChanged = defineEvent<{ courseId: string; changedAt: string }>('courses.courseChanged');

export const courseEvents = [enrolled, unenrolled, enrollmentUpdated, itemCompleted, courseCompleted, completionExpired, courseChanged];

/** What courses need to know about a piece of content to place it as an item. */
export interface ContentInfo { id: string; title: string; published: boolean }

/**
 * A kind of content courses can place as items. An item's `contentId` is `<type>:<id>`; the source
 * whose `type` matches answers for it. `lookup` returns the ids it knows (unknown ids are absent).
 */
export interface ContentSource {
  type: string;
  lookup(ids: string[], ctx: PluginContext): Promise<Map<string, ContentInfo>>;
  /** Where a person opens an item of this source, e.g. `/courses/4/items/9/view`. When given, the course page links the item's title there and offers no "Mark complete" button for it: its completion follows from the content (opened, watched, downloaded). */
  viewPath?(courseId: string, itemId: string): string;
  /** Published content a course editor may place, best matches first (at most `limit`), for the section editor's chooser. */
  published?(ctx: PluginContext, opts: { q?: string; limit: number }): Promise<ContentInfo[]>;
  /** For `lectern seed`: writes one published made-up lesson per entry, with `db` (the seed's transaction), and returns their ids in order. */
  seed?(lessons: { title: string; course: string }[], db: Knex): Promise<string[]>;
}

export const contentSources = defineExtensionPoint<ContentSource>('courses.contentSources');

/**
 * A page of another plugin about one course (a report, say), linked under "Related" on the course editor
 * (/admin/courses/:id) for those who hold `permission` at that course's context.
 */
export interface CourseLink {
  /** The link's text, e.g. `Completion report`. */
  label: string;
  /** Where the page is, e.g. `/reports/courses/4`. */
  href(courseId: string): string;
  permission: PermissionRef;
}

export const courseLinks = defineExtensionPoint<CourseLink>('courses.courseLinks');

export { coursePermissions } from './permissions';

export type CourseStatus = 'draft' | 'published' | 'archived';
export interface CategorySummary { id: string; name: string; parentId: string | null }
export interface CourseSummary {
  id: string; title: string; code: string; status: CourseStatus; categoryId: string | null;
  /** How many items must be done to complete the course. */
  requiredItems: number;
  /** Days a completion stays valid; null when it never expires. */
  recertifyAfterDays: number | null;
}

/** One item of a course, as another plugin sees it. */
export interface CourseItem {
  courseId: string; itemId: string; sectionId: string; title: string; contentId: string; required: boolean;
  courseStatus: CourseStatus; isTemplate: boolean;
}

/** Where a piece of content is placed. */
export interface ContentPlacement { contentId: string; courseId: string; itemId: string; courseTitle: string; courseCode: string; courseStatus: CourseStatus }

/** One person's place in one course: the current cycle, and its completion when there is one. */
export interface EnrollmentState {
  courseId: string;
  userId: string;
  role: EnrollmentRole;
  /** `unenrolled` keeps the record of earlier progress. */
  status: 'active' | 'unenrolled';
  /** 1, then one more each time recertification starts the course again. */
  cycle: number;
  enrolledAt: string;
  dueAt: string | null;
  /** Required items done in this cycle, out of the course's required items. */
  requiredDone: number;
  requiredItems: number;
  /** Completion of this cycle, and when it expires (courses with recertification). */
  completedAt: string | null;
  expiresAt: string | null;
}

/** A course a person was enrolled in, with every completion of it, one per cycle, oldest first (earlier cycles included). */
export interface TranscriptEntry {
  course: CourseSummary;
  enrollment: EnrollmentState;
  completions: { cycle: number; completedAt: string; expiresAt: string | null; expiredAt: string | null }[];
}

export interface CourseDirectory {
  /** Courses by id, whatever their status; unknown ids are absent. */
  coursesById(ids: string[]): Promise<Map<string, CourseSummary>>;
  /** A person's enrollment in a course, or null when they never were enrolled. */
  enrollment(courseId: string, userId: string): Promise<EnrollmentState | null>;
  /** One item of one course, or null (unknown ids, or an item of another course). */
  item(courseId: string, itemId: string): Promise<CourseItem | null>;
  /** `item` with that person's enrollment in its course (null when they never were enrolled), in one read. */
  itemFor(courseId: string, itemId: string, userId: string): Promise<(CourseItem & { enrollment: EnrollmentState | null }) | null>;
  /** Every item placing any of these content ids (e.g. 'content:12'), templates excluded, ordered by course title. */
  placements(contentIds: string[]): Promise<ContentPlacement[]>;
  /** A course's enrollments (learners and instructors, active and unenrolled), ordered by user id (numeric), at most `limit` after `afterUserId`. */
  enrollments(courseId: string, opts: { afterUserId?: string; limit: number }): Promise<EnrollmentState[]>;
  /** Ids of every course, templates left out, ordered by id (numeric), at most `limit` after `afterId`. */
  courseIds(opts: { afterId?: string; limit: number }): Promise<string[]>;
  /** Every course a person was ever enrolled in, with every completion of every cycle (oldest first). */
  transcript(userId: string): Promise<TranscriptEntry[]>;
  /** A category's id and the ids of every category beneath it, at any depth (the category first), or null when there is no such category. */
  categoryWithDescendants(categoryId: string): Promise<string[] | null>;
  /** Categories by name (a picker), at most `limit` of them. */
  categories(limit: number): Promise<CategorySummary[]>;
}

/** Resolve with `ctx.resolve(CourseDirectoryRef)` after listing 'courses' in dependsOn. */
export const CourseDirectoryRef = defineService<CourseDirectory>('courses.directory');

export interface ItemCompletionResult { recorded: boolean; cycle: number; completedAt: string; score: number | null; courseCompletedAt: string | null }

export interface CourseProgress {
  /** Completes an item for an enrolled learner, as POST …/items/:itemId/complete does (same batching writer, audit record and events, idempotent: `recorded` false when it was already done in this cycle). Throws the same HttpErrors as that route: 403 not enrolled as a learner, 404 draft/template course or unknown item, 409 archived course or a concurrent write. */
  completeItem(input: { courseId: string; itemId: string; userId: string; score?: number | null; ip?: string | null }): Promise<ItemCompletionResult>;
}

/** Resolve with `ctx.resolve(CourseProgressRef)` after listing 'courses' in dependsOn. */
export const CourseProgressRef = defineService<CourseProgress>('courses.progress');
