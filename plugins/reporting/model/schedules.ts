// Scheduled reports: what a schedule holds and which parameters each report reads, its next run from its
// cron expression (UTC), who may schedule which report — the same check as reading it now (reports:view at
// the course for a course's completion report; for compliance, where compliance-scope.ts says; at the
// system level otherwise), made again at each delivery for the schedule's creator — and its runs, newest first.
import { CronExpressionParser } from 'cron-parser';
import { badRequest, SYSTEM, type ContextRef, type Knex } from 'lectern';
import { complianceContext } from './compliance-scope';
import { iso } from './people';

export const SCHEDULES = 'reporting_schedules';
export const RUNS = 'reporting_runs';

export type ReportName = 'course-completion' | 'compliance' | 'activity';
export interface ScheduleParams { courseId?: string; categoryId?: string; cohortId?: string; status?: string; state?: string; days?: number }

/** The parameters each report reads; a delivery ignores any other. */
export const REPORT_PARAMS: Record<ReportName, readonly (keyof ScheduleParams)[]> = {
  'course-completion': ['courseId', 'cohortId', 'status'],
  compliance: ['courseId', 'categoryId', 'cohortId', 'state'],
  activity: ['days'],
};

/** The days an activity report covers when its schedule does not say. */
export const DEFAULT_ACTIVITY_DAYS = 7;

export interface ScheduleRow {
  id: string | number; report: ReportName; params: ScheduleParams; cron: string; recipients: string[]; created_by: string | number;
  paused: boolean; next_run_at: Date; created_at: Date; updated_at: Date;
}

/** The first tick of `cron` after `after`, or a 400 naming the expression. */
export function nextRun(cron: string, after: Date): Date {
  try {
    return CronExpressionParser.parse(cron, { currentDate: after, tz: 'UTC' }).next().toDate();
  } catch {
    throw badRequest(`"${cron}" is not a cron expression (five fields, e.g. "0 6 * * 1" for Mondays at 06:00 UTC).`, [{ path: 'body.cron', message: 'is not a cron expression' }]);
  }
}

/** Where the report's permission is checked; a 400 when the report lacks what it needs. */
export function contextOf(report: ReportName, params: ScheduleParams): ContextRef {
  if (params.categoryId && report !== 'compliance') {
    throw badRequest('Only the compliance report covers a category.', [{ path: 'body.params.categoryId', message: 'is for the compliance report only' }]);
  }
  if (report === 'course-completion') {
    if (!params.courseId) throw badRequest('A course completion report needs its course.', [{ path: 'body.params.courseId', message: 'is required for course-completion' }]);
    return { type: 'course', id: params.courseId };
  }
  return report === 'compliance' ? complianceContext(params) : SYSTEM;
}

export const toSchedule = (r: ScheduleRow) => ({
  id: String(r.id), report: r.report, params: r.params, cron: r.cron, recipients: r.recipients, createdBy: String(r.created_by),
  paused: r.paused, nextRunAt: new Date(r.next_run_at).toISOString(), createdAt: new Date(r.created_at).toISOString(),
});

export interface RunRow { due_at: Date; state: 'queued' | 'sent' | 'failed'; rows: number | null; error: string | null; finished_at: Date | null }

/** A schedule's runs, newest first, `limit` of them, those due before `before` (an ISO time) when given. */
export function runsOf(db: Knex, scheduleId: string | number, limit: number, before?: string): Promise<RunRow[]> {
  const q = db(RUNS).where({ schedule_id: scheduleId }).orderBy('due_at', 'desc').limit(limit).select('due_at', 'state', 'rows', 'error', 'finished_at');
  if (before) q.where('due_at', '<', before);
  return q;
}

export const toRun = (r: RunRow) => ({ dueAt: iso(r.due_at) as string, state: r.state, rows: r.rows, error: r.error, finishedAt: iso(r.finished_at) });

/** The latest run of each schedule that has run, by schedule id; one query for a page of schedules. */
export async function latestRuns(db: Knex, scheduleIds: string[]): Promise<Map<string, RunRow>> {
  if (!scheduleIds.length) return new Map();
  const rows: (RunRow & { schedule_id: string | number })[] = await db(RUNS).whereIn('schedule_id', scheduleIds).distinctOn('schedule_id')
    .orderBy([{ column: 'schedule_id' }, { column: 'due_at', order: 'desc' }]).select('schedule_id', 'due_at', 'state', 'rows', 'error', 'finished_at');
  return new Map(rows.map((r) => [String(r.schedule_id), r]));
}

/** How many runs a schedule has had. */
export async function runCount(db: Knex, scheduleId: string | number): Promise<number> {
  const row = await db(RUNS).where({ schedule_id: scheduleId }).first(db.raw('count(*)::int as n')) as { n: number };
  return row.n;
}
