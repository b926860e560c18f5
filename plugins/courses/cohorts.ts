// Cohort enrollment that follows the cohort: linking a cohort to a course enrolls its active members
// (the enrollCohort job, written with the link), and while the link exists members who join later are
// enrolled and members who leave are unenrolled (when the cohort is how they got in). Those follow auth's
// events through durable subscribers: each delivery is written with auth's change and does the work
// itself, so no membership change is lost to a crash or to this plugin being disabled. The work runs in
// batches, each batch one transaction; enrolling or releasing someone twice changes nothing, so a run
// that repeats (at-least-once delivery) is harmless.
import { CoreServices, defineJob, on, Type, type PluginContext, type TransactionContext } from 'lectern';
import { cohortDeleted, cohortMembersAdded, cohortMembersRemoved } from 'lectern/auth';
import { IdString } from './params';
import { enroll, unenroll } from './model/enrollments';
import { directory } from './model/users';

const BATCH = 500;
const UserIds = Type.Array(IdString, { maxItems: 1_000_000 });

interface Link { course_id: number; due_at: Date | null }

/** The cohort's members in batches: the given ids, or every member, page by page. */
async function* members(job: PluginContext, cohortId: string, userIds?: string[]): AsyncGenerator<string[]> {
  if (userIds) {
    for (let i = 0; i < userIds.length; i += BATCH) yield userIds.slice(i, i + BATCH);
    return;
  }
  let after: string | undefined;
  for (;;) {
    const batch = await directory(job).cohortMembers(cohortId, { after, limit: BATCH });
    if (!batch.length) return;
    yield batch;
    after = batch[batch.length - 1];
  }
}

export const enrollCohort = defineJob({
  name: 'courses.enrollCohort',
  payload: Type.Object({ cohortId: IdString, courseId: Type.Optional(IdString), userIds: Type.Optional(UserIds) }, { additionalProperties: false }),
  handler: ({ cohortId, courseId, userIds }, job) => enrollMembers(job, cohortId, courseId, userIds),
});

/** Enrolls the cohort's active members (or those of `userIds`) in its linked courses (or just `courseId`). */
async function enrollMembers(ctx: PluginContext, cohortId: string, courseId?: string, userIds?: string[]): Promise<{ enrolled: number; skipped: number }> {
  const q = ctx.db('courses_cohort_links as l').join('courses_courses as c', 'c.id', 'l.course_id')
    .where({ 'l.cohort_id': cohortId, 'c.is_template': false }).whereNot('c.status', 'archived').select('l.course_id', 'l.due_at');
  if (courseId) q.where('l.course_id', courseId);
  const links: Link[] = await q;
  const engine = ctx.resolve(CoreServices.permissions);
  let enrolledCount = 0;
  let skipped = 0;
  if (!links.length) return { enrolled: 0, skipped: 0 };
  for await (const batch of members(ctx, cohortId, userIds)) {
    const users = await directory(ctx).usersById(batch);
    const active = batch.filter((id) => users.get(id)?.status === 'active');
    skipped += batch.length - active.length;
    for (const link of links) {
      enrolledCount += await ctx.transaction(async (tx) => {
        let n = 0;
        for (const userId of active) {
          const { outcome } = await enroll(tx, engine, {
            courseId: String(link.course_id), userId, role: 'learner', source: 'cohort', cohortId, dueAt: link.due_at && new Date(link.due_at), overwrite: false,
          }, ctx.now());
          if (outcome === 'enrolled') n += 1;
        }
        return n;
      });
    }
  }
  return { enrolled: enrolledCount, skipped };
}

/** Ends the active enrollments that members who left (`userIds`) got through the cohort. */
async function releaseMembers(ctx: PluginContext, cohortId: string, userIds: string[]): Promise<number> {
  const engine = ctx.resolve(CoreServices.permissions);
  let released = 0;
  for await (const batch of members(ctx, cohortId, userIds)) {
    released += await ctx.transaction(async (tx) => {
      const rows: { course_id: number; user_id: number }[] = await tx.db('courses_enrollments')
        .where({ cohort_id: cohortId, source: 'cohort', status: 'active' }).whereIn('user_id', batch).select('course_id', 'user_id');
      for (const r of rows) await unenroll(tx, engine, String(r.course_id), String(r.user_id), ctx.now(), `left cohort ${cohortId}`);
      return rows.length;
    });
  }
  return released;
}

export const cohortSubscriptions = [
  on(cohortMembersAdded, async ({ cohortId, userIds }, ctx) => { await enrollMembers(ctx, cohortId, undefined, userIds); }, { durable: true }),
  on(cohortMembersRemoved, async ({ cohortId, userIds }, ctx) => { await releaseMembers(ctx, cohortId, userIds); }, { durable: true }),
  on(cohortDeleted, async ({ cohortId }, ctx) => {
    await ctx.transaction((tx) => unlinkCohort(tx, cohortId, undefined, 'cohort deleted'));
  }, { durable: true }),
];

/** Removes a cohort's links (to one course, or all); returns the courses it was linked to. Enrollments stay. */
export async function unlinkCohort(tx: TransactionContext, cohortId: string, courseId: string | undefined, reason: string): Promise<string[]> {
  const q = tx.db('courses_cohort_links').where({ cohort_id: cohortId });
  if (courseId) q.where({ course_id: courseId });
  const courses = ((await q.delete().returning('course_id')) as { course_id: number }[]).map((r) => String(r.course_id));
  for (const id of courses) await tx.audit({ action: 'courses.cohort.unlink', target: { type: 'course', id }, details: { cohortId, reason } });
  return courses;
}
