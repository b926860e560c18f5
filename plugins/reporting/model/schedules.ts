// Scheduled reports: what a schedule holds, its next run from its cron expression (UTC), and who may
// schedule which report — the same check as reading it now (reports:view at the course for a course's
// completion report; for compliance, where compliance-scope.ts says; at the system level otherwise), made
// again at each delivery for the schedule's creator.
import { CronExpressionParser } from 'cron-parser';
import { badRequest, SYSTEM, type ContextRef } from 'lectern';
import { complianceContext } from './compliance-scope';

export const SCHEDULES = 'reporting_schedules';
export const RUNS = 'reporting_runs';

export type ReportName = 'course-completion' | 'compliance' | 'activity';
export interface ScheduleParams { courseId?: string; categoryId?: string; cohortId?: string; status?: string; state?: string; days?: number }

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
