// The reporting dashboard's numbers, in SQL over the summary: headline counts across every course, the
// completion rate of the largest courses, completions per day over the last 30 days, and overdue learners
// by cohort.
import type { PluginContext } from 'lectern';
import { AuthDirectory } from 'lectern/auth';
import { activitySeries } from '../routes/activity';
import { COURSES, ENROLLMENTS } from './summary';

const DAY_MS = 86_400_000;
const COURSE_BARS = 15;
const COHORT_BARS = 10;

export async function dashboard(ctx: PluginContext) {
  const now = ctx.now();
  const learners = () => ctx.readDb(`${ENROLLMENTS} as e`).where({ 'e.role': 'learner', 'e.status': 'active' });
  const [totals, perCourse, overdue, series] = await Promise.all([
    learners().first(
      ctx.readDb.raw('count(*)::int as enrolled'), ctx.readDb.raw('count(*) filter (where e.completed_at is not null)::int as completed'),
      ctx.readDb.raw('count(*) filter (where e.completed_at is null and e.due_at < ?)::int as overdue', [now]),
    ) as Promise<{ enrolled: number; completed: number; overdue: number }>,
    learners().join(`${COURSES} as c`, 'c.course_id', 'e.course_id').groupBy('c.course_id', 'c.title')
      .select('c.course_id', 'c.title', ctx.readDb.raw('count(*)::int as enrolled'), ctx.readDb.raw('count(*) filter (where e.completed_at is not null)::int as completed'))
      .orderByRaw('count(*) desc, c.course_id').limit(COURSE_BARS) as Promise<{ course_id: string; title: string; enrolled: number; completed: number }[]>,
    learners().join('reporting_cohort_members as m', 'm.user_id', 'e.user_id').whereNull('e.completed_at').where('e.due_at', '<', now)
      .groupBy('m.cohort_id').select('m.cohort_id', ctx.readDb.raw('count(*)::int as overdue')).orderByRaw('count(*) desc, m.cohort_id').limit(COHORT_BARS) as Promise<{ cohort_id: string; overdue: number }[]>,
    activitySeries(ctx, { from: new Date(now.getTime() - 29 * DAY_MS).toISOString().slice(0, 10), to: now.toISOString().slice(0, 10), interval: 'day' }),
  ]);
  const cohorts = await ctx.resolve(AuthDirectory).cohortsById(overdue.map((o) => String(o.cohort_id)));
  const rate = (done: number, of: number) => (of ? Math.round((done / of) * 1000) / 10 : 0);
  return {
    totals: { ...totals, completionRate: rate(totals.completed, totals.enrolled) },
    perCourse: perCourse.map((c) => ({ courseId: String(c.course_id), title: c.title, enrolled: c.enrolled, completed: c.completed, rate: rate(c.completed, c.enrolled) })),
    overdueByCohort: overdue.map((o) => ({ cohortId: String(o.cohort_id), name: cohorts.get(String(o.cohort_id))?.name ?? `Cohort ${o.cohort_id}`, overdue: o.overdue })),
    completionsByDay: series.map((s) => ({ day: s.period, completions: s.completions })),
  };
}
