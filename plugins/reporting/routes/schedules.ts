// Scheduled reports (API.md "Reporting"): create one (a report the caller may see now, a cron expression,
// recipients), list them, read one with its run history, pause or resume it, delete it.
import { badRequest, defineRoute, forbidden, notFound, reply, Type, type SignedInRequest } from 'lectern';
import { byIdAsc } from '../cursors';
import { reportPermissions } from '../permissions';
import { reportSettings } from '../settings';
import { contextOf, nextRun, RUNS, SCHEDULES, toSchedule, type ReportName, type ScheduleRow } from '../model/schedules';
import { complianceCategories } from '../model/compliance-scope';
import { IdString, LearnerStatusSchema, ComplianceStateSchema, Schedule, ScheduleDetail, SchedulePage } from '../schemas';

const Params = Type.Object({ id: IdString });
const ScheduleParamsSchema = Type.Object({
  courseId: Type.Optional(IdString), categoryId: Type.Optional(IdString), cohortId: Type.Optional(IdString), status: Type.Optional(LearnerStatusSchema),
  state: Type.Optional(ComplianceStateSchema), days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, description: 'activity: the days before each run' })),
}, { additionalProperties: false });

async function scheduleRow(req: SignedInRequest, id: string): Promise<ScheduleRow> {
  const row: ScheduleRow | undefined = await req.db(SCHEDULES).where({ id }).first();
  if (!row) throw notFound(`schedule ${id} does not exist`);
  return row;
}

export const scheduleRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/reports/schedules', permission: reportPermissions.schedule,
    body: Type.Object({
      report: Type.Union([Type.Literal('course-completion'), Type.Literal('compliance'), Type.Literal('activity')]),
      params: Type.Optional(ScheduleParamsSchema), cron: Type.String({ minLength: 9, maxLength: 100 }),
      recipients: Type.Array(Type.String({ format: 'email', maxLength: 254 }), { minItems: 1, maxItems: 100, uniqueItems: true }),
    }, { additionalProperties: false }),
    summary: 'Schedule a report to be emailed as CSV', responses: { 201: Schedule },
    async handler(req) {
      const { report, cron, recipients } = req.body;
      const params = req.body.params ?? {};
      const { maxRecipients } = await req.settings(reportSettings);
      if (recipients.length > maxRecipients) {
        throw badRequest(`A schedule may have at most ${maxRecipients} recipients (the reporting setting maxRecipients).`, [{ path: 'body.recipients', message: `has more than ${maxRecipients} addresses` }]);
      }
      const next = nextRun(cron, req.now());
      if (!(await req.can(reportPermissions.view, contextOf(report as ReportName, params)))) throw forbidden('You may not see this report, so you may not schedule it.');
      if (report === 'compliance') await complianceCategories(req, params, 'body.params');
      const now = req.now();
      return reply.created(await req.transaction(async (tx) => {
        const [row]: ScheduleRow[] = await tx.db(SCHEDULES).insert({
          report, params: JSON.stringify(params), cron, recipients: JSON.stringify(recipients), created_by: req.principal.id,
          next_run_at: next, created_at: now, updated_at: now,
        }).returning('*');
        await tx.audit({ action: 'reporting.schedule.create', target: { type: 'report-schedule', id: String(row.id) }, details: { report, cron, recipients: recipients.length } });
        return toSchedule(row);
      }));
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/reports/schedules', permission: reportPermissions.schedule, query: Type.Object(byIdAsc.query),
    summary: 'Scheduled reports', responses: { 200: SchedulePage },
    async handler(req) {
      const q = req.db(SCHEDULES).orderBy('id').limit(req.query.limit + 1);
      if (req.query.cursor) q.where('id', '>', req.query.cursor[0]);
      return byIdAsc.page(await q as ScheduleRow[], req.query.limit, toSchedule, (r) => [Number(r.id)]);
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/reports/schedules/:id', permission: reportPermissions.schedule, params: Params,
    summary: 'A scheduled report with its latest runs', responses: { 200: ScheduleDetail },
    async handler(req) {
      const row = await scheduleRow(req, req.params.id);
      const runs: { due_at: Date; state: string; rows: number | null; error: string | null; finished_at: Date | null }[] =
        await req.db(RUNS).where({ schedule_id: row.id }).orderBy('due_at', 'desc').limit(50).select('due_at', 'state', 'rows', 'error', 'finished_at');
      return {
        ...toSchedule(row),
        runs: runs.map((r) => ({ dueAt: new Date(r.due_at).toISOString(), state: r.state, rows: r.rows, error: r.error, finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null })),
      };
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/reports/schedules/:id', permission: reportPermissions.schedule, params: Params,
    body: Type.Object({ paused: Type.Boolean() }, { additionalProperties: false }),
    summary: 'Pause or resume a scheduled report (resuming skips the ticks it missed)', responses: { 200: Schedule },
    async handler(req) {
      const row = await scheduleRow(req, req.params.id);
      const now = req.now();
      return req.transaction(async (tx) => {
        const [updated]: ScheduleRow[] = await tx.db(SCHEDULES).where({ id: row.id })
          .update({ paused: req.body.paused, next_run_at: req.body.paused ? row.next_run_at : nextRun(row.cron, now), updated_at: now }).returning('*');
        await tx.audit({ action: req.body.paused ? 'reporting.schedule.pause' : 'reporting.schedule.resume', target: { type: 'report-schedule', id: String(row.id) } });
        return toSchedule(updated);
      });
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/reports/schedules/:id', permission: reportPermissions.schedule, params: Params,
    summary: 'Delete a scheduled report and its run history', responses: { 204: null },
    async handler(req) {
      const row = await scheduleRow(req, req.params.id);
      await req.transaction(async (tx) => {
        await tx.db(SCHEDULES).where({ id: row.id }).delete();
        await tx.audit({ action: 'reporting.schedule.delete', target: { type: 'report-schedule', id: String(row.id) }, details: { report: row.report } });
      });
      return reply.noContent();
    },
  }),
];
