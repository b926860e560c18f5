// What other plugins may use from courses (after listing 'courses' in dependsOn): the events it emits
// when enrollment and progress change, and the extension point through which a plugin that owns
// content (the content plugin) lets courses place that content as items.
import { defineEvent, defineExtensionPoint, type PluginContext } from 'lectern';

export type EnrollmentRole = 'learner' | 'instructor';
/** How an enrollment came about; `recertification` starts a new cycle for a learner whose completion is about to expire. */
export type EnrollmentSource = 'manual' | 'import' | 'cohort' | 'self' | 'recertification';

export const enrolled = defineEvent<{
  courseId: string; userId: string; role: EnrollmentRole; source: EnrollmentSource; cycle: number; dueAt: string | null;
}>('courses.enrolled');
export const unenrolled = defineEvent<{ courseId: string; userId: string; role: EnrollmentRole }>('courses.unenrolled');
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

export const courseEvents = [enrolled, unenrolled, itemCompleted, courseCompleted, completionExpired];

/** What courses need to know about a piece of content to place it as an item. */
export interface ContentInfo { id: string; title: string; published: boolean }

/**
 * A kind of content courses can place as items. An item's `contentId` is `<type>:<id>`; the source
 * whose `type` matches answers for it. `lookup` returns the ids it knows (unknown ids are absent).
 */
export interface ContentSource {
  type: string;
  lookup(ids: string[], ctx: PluginContext): Promise<Map<string, ContentInfo>>;
}

export const contentSources = defineExtensionPoint<ContentSource>('courses.contentSources');
