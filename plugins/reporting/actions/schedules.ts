// What can be done to a scheduled report — create it, pause or resume it, delete it — each checked,
// written and audited in one transaction. The JSON API (routes/schedules.ts) and the pages
// (pages/schedules.ts, pages/schedule.ts) both run these, so a form and a request follow the same rules.
import { badRequest, forbidden, notFound, type Knex, type SignedInRequest } from 'lectern';
import { reportPermissions } from '../permissions';
import { reportSettings } from '../settings';
import { contextOf, nextRun, SCHEDULES, type ReportName, type ScheduleRow } from '../model/schedules';
import { complianceCategories } from '../model/compliance-scope';
import type { NewSchedule } from '../schemas';

/** The schedule, or a 404 naming it. */
export async function loadSchedule(db: Knex, id: string): Promise<ScheduleRow> {
  const row: ScheduleRow | undefined = await db(SCHEDULES).where({ id }).first();
  if (!row) throw notFound(`schedule ${id} does not exist`);
  return row;
}

/**
 * A new schedule of a report the caller may read now: at most the setting maxRecipients recipients, a
 * cron expression that parses, and what the report needs (a course for course-completion; a category that
 * exists, holding the course if one is given, for compliance).
 */
export async function createSchedule(req: SignedInRequest, input: NewSchedule): Promise<ScheduleRow> {
  const { report, cron, recipients } = input;
  const params = input.params ?? {};
  const { maxRecipients } = await req.settings(reportSettings);
  if (recipients.length > maxRecipients) {
    throw badRequest(`A schedule may have at most ${maxRecipients} recipients (the reporting setting maxRecipients).`, [{ path: 'body.recipients', message: `has more than ${maxRecipients} addresses` }]);
  }
  const next = nextRun(cron, req.now());
  if (!(await req.can(reportPermissions.view, contextOf(report as ReportName, params)))) throw forbidden('You may not see this report, so you may not schedule it.');
  if (report === 'compliance') await complianceCategories(req, params, 'body.params');
  const now = req.now();
  return req.transaction(async (tx) => {
    const [row]: ScheduleRow[] = await tx.db(SCHEDULES).insert({
      report, params: JSON.stringify(params), cron, recipients: JSON.stringify(recipients), created_by: req.principal.id,
      next_run_at: next, created_at: now, updated_at: now,
    }).returning('*');
    await tx.audit({ action: 'reporting.schedule.create', target: { type: 'report-schedule', id: String(row.id) }, details: { report, cron, recipients: recipients.length } });
    return row;
  });
}

/** Pauses or resumes a schedule; resuming skips the ticks it missed (the next run is the next tick from now). */
export async function setPaused(req: SignedInRequest, id: string, paused: boolean): Promise<ScheduleRow> {
  const row = await loadSchedule(req.db, id);
  const now = req.now();
  return req.transaction(async (tx) => {
    const [updated]: ScheduleRow[] = await tx.db(SCHEDULES).where({ id: row.id })
      .update({ paused, next_run_at: paused ? row.next_run_at : nextRun(row.cron, now), updated_at: now }).returning('*');
    await tx.audit({ action: paused ? 'reporting.schedule.pause' : 'reporting.schedule.resume', target: { type: 'report-schedule', id: String(row.id) } });
    return updated;
  });
}

/** Deletes a schedule and, with it, its run history. */
export async function deleteSchedule(req: SignedInRequest, id: string): Promise<void> {
  const row = await loadSchedule(req.db, id);
  await req.transaction(async (tx) => {
    await tx.db(SCHEDULES).where({ id: row.id }).delete();
    await tx.audit({ action: 'reporting.schedule.delete', target: { type: 'report-schedule', id: String(row.id) }, details: { report: row.report } });
  });
}
