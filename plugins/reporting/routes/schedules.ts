// Scheduled reports (API.md "Reporting"): create one (a report the caller may see now, a cron expression,
// recipients), list them, read one with its run history, pause or resume it, delete it. The rules are the
// actions' (actions/schedules.ts), which the pages run too.
import { defineRoute, reply, Type } from 'lectern';
import { byIdAsc } from '../cursors';
import { reportPermissions } from '../permissions';
import { runsOf, SCHEDULES, toRun, toSchedule, type ScheduleRow } from '../model/schedules';
import { createSchedule, deleteSchedule, loadSchedule, setPaused } from '../actions/schedules';
import { IdString, NewScheduleBody, Schedule, ScheduleDetail, SchedulePage } from '../schemas';

const Params = Type.Object({ id: IdString });
/** Runs the detail answer shows; the page /admin/reports/schedules/:id pages through all of them. */
const LATEST_RUNS = 50;

export const scheduleRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/reports/schedules', permission: reportPermissions.schedule, body: NewScheduleBody,
    summary: 'Schedule a report to be emailed as CSV', responses: { 201: Schedule },
    handler: async (req) => reply.created(toSchedule(await createSchedule(req, req.body))),
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
      const row = await loadSchedule(req.db, req.params.id);
      return { ...toSchedule(row), runs: (await runsOf(req.db, row.id, LATEST_RUNS)).map(toRun) };
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/reports/schedules/:id', permission: reportPermissions.schedule, params: Params,
    body: Type.Object({ paused: Type.Boolean() }, { additionalProperties: false }),
    summary: 'Pause or resume a scheduled report (resuming skips the ticks it missed)', responses: { 200: Schedule },
    handler: async (req) => toSchedule(await setPaused(req, req.params.id, req.body.paused)),
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/reports/schedules/:id', permission: reportPermissions.schedule, params: Params,
    summary: 'Delete a scheduled report and its run history', responses: { 204: null },
    async handler(req) {
      await deleteSchedule(req, req.params.id);
      return reply.noContent();
    },
  }),
];
