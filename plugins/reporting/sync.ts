// The durable subscribers that keep the summary current: every courses event about one enrollment
// re-reads that enrollment; a change to a course re-reads all of it; cohort events keep memberships; and
// logins, enrollments, completions and content views become activity rows. Durable, so nothing is
// missed while the plugin is disabled or a process dies: deliveries wait and run later.
import { on, type PluginContext } from 'lectern';
import { completionExpired, courseChanged, courseCompleted, enrolled, enrollmentUpdated, itemCompleted, unenrolled } from 'lectern/courses';
import { cohortDeleted, cohortMembersAdded, cohortMembersRemoved, signedIn } from 'lectern/auth';
import { contentViewed } from 'lectern/content';
import { syncCourse, syncEnrollment } from './model/summary';

const MEMBERS = 'reporting_cohort_members';
const ACTIVITY = 'reporting_activity';

const durable = { durable: true } as const;
const enrollmentChanged = async (p: { courseId: string; userId: string }, ctx: PluginContext) => { await syncEnrollment(ctx, p.courseId, p.userId); };

/** One activity, once however often it is delivered. */
async function activity(kind: string, userId: string, key: string, at: string, ctx: PluginContext): Promise<void> {
  await ctx.db(ACTIVITY).insert({ kind, user_id: userId, key, at }).onConflict(['kind', 'key']).ignore();
}

export const reportingSubscriptions = [
  on(enrolled, async (p, ctx) => {
    const state = await syncEnrollment(ctx, p.courseId, p.userId);
    if (state && p.role === 'learner') await activity('enrollment', p.userId, `${p.courseId}:${p.userId}:${p.cycle}`, state.enrolledAt, ctx);
  }, durable),
  on(unenrolled, enrollmentChanged, durable),
  on(enrollmentUpdated, enrollmentChanged, durable),
  on(itemCompleted, enrollmentChanged, durable),
  on(courseCompleted, async (p, ctx) => {
    await syncEnrollment(ctx, p.courseId, p.userId);
    await activity('completion', p.userId, `${p.courseId}:${p.userId}:${p.cycle}`, p.completedAt, ctx);
  }, durable),
  on(completionExpired, enrollmentChanged, durable),
  on(courseChanged, async (p, ctx) => { await syncCourse(ctx, p.courseId); }, durable),
  on(cohortMembersAdded, async (p, ctx) => {
    if (p.userIds.length) await ctx.db(MEMBERS).insert(p.userIds.map((user_id) => ({ cohort_id: p.cohortId, user_id }))).onConflict(['cohort_id', 'user_id']).ignore();
  }, durable),
  on(cohortMembersRemoved, async (p, ctx) => { await ctx.db(MEMBERS).where({ cohort_id: p.cohortId }).whereIn('user_id', p.userIds).delete(); }, durable),
  on(cohortDeleted, async (p, ctx) => { await ctx.db(MEMBERS).where({ cohort_id: p.cohortId }).delete(); }, durable),
  on(signedIn, (p, ctx) => activity('login', p.userId, `${p.userId}:${p.method}:${p.at}`, p.at, ctx), durable),
  on(contentViewed, (p, ctx) => activity('view', p.userId, `${p.itemId}:${p.userId}:${p.viewedAt.slice(0, 10)}`, p.viewedAt, ctx), durable),
];
