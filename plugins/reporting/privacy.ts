// A person's data in the reporting plugin is a copy of what the courses and auth plugins hold: their
// enrollments' standing, cohort memberships and activity. Export shows it. Erasure keeps the copied
// enrollments (as the courses plugin keeps the enrollments: ids and dates, nothing that names the person)
// so completion reports stay true, deletes the cohort copies and the reports they scheduled, and keeps
// each activity row without the person, so counts of past logins and completions stay true.
import type { PluginContext, PrivacyProvider } from 'lectern';
import { courseReportsChanged, ENROLLMENTS } from './model/summary';

const MEMBERS = 'reporting_cohort_members';
const ACTIVITY = 'reporting_activity';
const SCHEDULES = 'reporting_schedules';

async function exportReporting(userId: string, ctx: PluginContext): Promise<Record<string, unknown>> {
  const [enrollments, cohorts, activity, schedules] = await Promise.all([
    ctx.db(ENROLLMENTS).where({ user_id: userId }).orderBy('course_id').select(),
    ctx.db(MEMBERS).where({ user_id: userId }).orderBy('cohort_id').select('cohort_id'),
    ctx.db(ACTIVITY).where({ user_id: userId }).orderBy('id').select('kind', 'at'),
    ctx.db(SCHEDULES).where({ created_by: userId }).orderBy('id').select('id', 'report', 'params', 'cron', 'recipients', 'created_at'),
  ]);
  return { enrollments, cohorts: cohorts.map((c: { cohort_id: string | number }) => String(c.cohort_id)), activity, schedules };
}

async function eraseReporting(userId: string, ctx: PluginContext): Promise<void> {
  await ctx.transaction(async (tx) => {
    const courses: { course_id: string | number }[] = await tx.db(ENROLLMENTS).where({ user_id: userId }).select('course_id');
    await courseReportsChanged(tx, courses.map((c) => String(c.course_id)));
    await tx.db(MEMBERS).where({ user_id: userId }).delete();
    await tx.db(ACTIVITY).where({ user_id: userId }).update({ user_id: null, key: tx.db.raw(`'erased:' || id`) });
    // A schedule runs as its creator's permission; without the person it could not run again.
    await tx.db(SCHEDULES).where({ created_by: userId }).delete();
    await tx.audit({ action: 'reporting.erase', target: { type: 'user', id: userId } });
  });
}

export const reportingPrivacy: PrivacyProvider = { tables: [ENROLLMENTS, MEMBERS, ACTIVITY, SCHEDULES], export: exportReporting, erase: eraseReporting };
