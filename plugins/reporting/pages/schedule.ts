// One scheduled report (/admin/reports/schedules/:id, reports:schedule): what it sends, when and to whom,
// its run history newest first a page at a time, and its actions — pause or resume, and delete after a
// confirmation page. Each runs the same action as the JSON API (actions/schedules.ts).
import { badRequest, defineRoute, Done, doneNotice, pagerLinks, reply, Type, type SignedInRequest } from 'lectern';
import { AuthDirectory } from 'lectern/auth';
import { byDueAtDesc } from '../cursors';
import { reportPermissions } from '../permissions';
import { runCount, runsOf, toRun, type ScheduleRow } from '../model/schedules';
import { deleteSchedule, loadSchedule, setPaused } from '../actions/schedules';
import { IdString } from '../schemas';
import { labelOf, RUN_STATES } from './labels';
import { describeSchedules } from './schedule-words';
import { SCHEDULES_PATH } from './schedules';

const VIEW = 'reporting/admin/schedule';
const DELETE_VIEW = 'reporting/admin/schedule-delete';
const RUNS_PAGE = 20;
const NOTICES = {
  created: 'The report is scheduled. Its recipients get the CSV at each time the cron expression names.',
  paused: 'Paused: it sends nothing until it is resumed.',
  resumed: 'Resumed: it runs next at the time shown, skipping the runs it missed.',
};

const form = { permission: reportPermissions.schedule, html: true as const, params: Type.Object({ id: IdString }) };

/** The schedule as its pages show it, with who created it. */
async function describe(req: SignedInRequest, row: ScheduleRow) {
  const [[schedule], creator] = await Promise.all([describeSchedules(req, [row]), req.resolve(AuthDirectory).user(String(row.created_by))]);
  return { ...schedule, creator: creator?.name ?? `User ${row.created_by}` };
}

async function schedulePage(req: SignedInRequest, id: string, cursor: [string] | undefined): Promise<Record<string, unknown>> {
  if (cursor && Number.isNaN(Date.parse(cursor[0]))) throw badRequest('The cursor is not one of this run history.', [{ path: 'query.cursor', message: 'is not a run history cursor' }]);
  const row = await loadSchedule(req.db, id);
  const [schedule, runs] = await Promise.all([describe(req, row), runsOf(req.db, row.id, RUNS_PAGE + 1, cursor?.[0])]);
  const page = byDueAtDesc.page(runs, RUNS_PAGE, toRun, (r) => [new Date(r.due_at).toISOString()]);
  return {
    title: `Scheduled report: ${schedule.reportLabel}`, schedule,
    runs: page.items.map((r) => ({ ...r, stateLabel: labelOf(RUN_STATES, r.state), failed: r.state === 'failed' })),
    pager: pagerLinks(`${SCHEDULES_PATH}/${id}`, {}, page.nextCursor, cursor !== undefined),
  };
}

export const schedulePageRoutes = [
  defineRoute({
    ...form, method: 'GET', path: `${SCHEDULES_PATH}/:id`, query: Type.Object({ cursor: byDueAtDesc.cursor, done: Done }),
    summary: 'A scheduled report and its run history (page)',
    async handler(req) {
      return req.page(VIEW, { ...(await schedulePage(req, req.params.id, req.query.cursor)), notice: doneNotice(NOTICES, req.query.done) });
    },
  }),

  defineRoute({
    ...form, method: 'POST', path: `${SCHEDULES_PATH}/:id/pause`, body: Type.Object({}), summary: 'Pause a scheduled report (form)',
    async handler(req) {
      await setPaused(req, req.params.id, true);
      return reply.redirect(`${SCHEDULES_PATH}/${req.params.id}?done=paused`);
    },
  }),

  defineRoute({
    ...form, method: 'POST', path: `${SCHEDULES_PATH}/:id/resume`, body: Type.Object({}), summary: 'Resume a scheduled report, skipping the runs it missed (form)',
    async handler(req) {
      await setPaused(req, req.params.id, false);
      return reply.redirect(`${SCHEDULES_PATH}/${req.params.id}?done=resumed`);
    },
  }),

  defineRoute({
    ...form, method: 'GET', path: `${SCHEDULES_PATH}/:id/delete`, summary: 'Confirm deleting a scheduled report (page)',
    async handler(req) {
      const row = await loadSchedule(req.db, req.params.id);
      const [schedule, runs] = await Promise.all([describe(req, row), runCount(req.db, row.id)]);
      return req.page(DELETE_VIEW, { title: 'Delete a scheduled report', schedule, runs });
    },
  }),

  defineRoute({
    ...form, method: 'POST', path: `${SCHEDULES_PATH}/:id/delete`, body: Type.Object({}), summary: 'Delete a scheduled report and its run history (form)',
    async handler(req) {
      await deleteSchedule(req, req.params.id);
      return reply.redirect(`${SCHEDULES_PATH}?done=deleted`);
    },
  }),
];
