// Writing the summary: a course's row and its enrollments' rows, exactly as the courses plugin reports
// them now. Every write is an upsert of the whole state, so any number of syncs, in any order, leave
// the same rows; a course or an enrollment the courses plugin no longer knows is removed.
import { CoreServices, type PluginContext } from 'lectern';
import { CourseDirectoryRef, type EnrollmentState } from 'lectern/courses';

export const COURSES = 'reporting_courses';
export const ENROLLMENTS = 'reporting_enrollments';
const PAGE = 1_000;
/** The keyed change notice naming courses whose summary rows changed (answers.ts drops their pages). */
export const COURSE_REPORTS_NOTICE = 'reporting.courses';

/** Call after the last write of a change to these courses' rows, on the same connection or transaction. */
export async function courseReportsChanged(ctx: Pick<PluginContext, 'resolve' | 'db'>, courseIds: string[]): Promise<void> {
  await ctx.resolve(CoreServices.revisions).touch(COURSE_REPORTS_NOTICE, courseIds, ctx.db);
}

const enrollmentRow = (e: EnrollmentState, now: Date) => ({
  course_id: e.courseId, user_id: e.userId, role: e.role, status: e.status, cycle: e.cycle, enrolled_at: e.enrolledAt, due_at: e.dueAt,
  required_done: e.requiredDone, completed_at: e.completedAt, expires_at: e.expiresAt, synced_at: now,
});

async function upsertEnrollments(ctx: PluginContext, states: EnrollmentState[]): Promise<void> {
  if (!states.length) return;
  const now = ctx.now();
  await ctx.db(ENROLLMENTS).insert(states.map((e) => enrollmentRow(e, now))).onConflict(['course_id', 'user_id']).merge();
}

/** The course's own row; false when the course is gone (its rows are then removed). */
async function syncCourseRow(ctx: PluginContext, courseId: string): Promise<boolean> {
  const course = (await ctx.resolve(CourseDirectoryRef).coursesById([courseId])).get(courseId);
  if (!course) {
    await ctx.transaction(async (tx) => {
      await tx.db(ENROLLMENTS).where({ course_id: courseId }).delete();
      await tx.db(COURSES).where({ course_id: courseId }).delete();
    });
    return false;
  }
  await ctx.db(COURSES).insert({
    course_id: courseId, title: course.title, code: course.code, status: course.status, category_id: course.categoryId,
    required_items: course.requiredItems, recertify_after_days: course.recertifyAfterDays, synced_at: ctx.now(),
  }).onConflict('course_id').merge();
  return true;
}

/** One enrollment (and its course's row when missing); returns its state, null when it is gone. */
export async function syncEnrollment(ctx: PluginContext, courseId: string, userId: string): Promise<EnrollmentState | null> {
  let state: EnrollmentState | null = null;
  if ((await ctx.db(COURSES).where({ course_id: courseId }).first('course_id')) || (await syncCourseRow(ctx, courseId))) {
    state = await ctx.resolve(CourseDirectoryRef).enrollment(courseId, userId);
    if (state) await upsertEnrollments(ctx, [state]);
    else await ctx.db(ENROLLMENTS).where({ course_id: courseId, user_id: userId }).delete();
  }
  await courseReportsChanged(ctx, [courseId]);
  return state;
}

/** The course and every enrollment in it, a page at a time; rows of enrollments it no longer has go. */
export async function syncCourse(ctx: PluginContext, courseId: string): Promise<number> {
  const count = await syncCourseRows(ctx, courseId);
  await courseReportsChanged(ctx, [courseId]);
  return count;
}

async function syncCourseRows(ctx: PluginContext, courseId: string): Promise<number> {
  if (!(await syncCourseRow(ctx, courseId))) return 0;
  const courses = ctx.resolve(CourseDirectoryRef);
  const seen: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await courses.enrollments(courseId, { afterUserId: after, limit: PAGE });
    await upsertEnrollments(ctx, page);
    seen.push(...page.map((e) => e.userId));
    if (page.length < PAGE) break;
    after = page[page.length - 1].userId;
  }
  await ctx.db(ENROLLMENTS).where({ course_id: courseId }).whereRaw('not (user_id = any(?::bigint[]))', [seen]).delete();
  return seen.length;
}
