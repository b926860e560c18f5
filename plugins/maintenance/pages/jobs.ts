// The jobs page (/admin/jobs, maintenance:jobs): every job in a state, newest first, a page at a time,
// with its name, progress, dates and error; and the jobs that run on a cron schedule, with their next run.
import { CoreServices, defineAdminPage, Done, doneNotice, JobStateSchema, pagerLinks, pageQuery, Type } from 'lectern';
import { maintenancePermissions } from '../permissions';
import { JOB_STATE_LABELS, jobView } from '../job-view';

export const JOBS_PATH = '/admin/jobs';
const PAGE_SIZE = 50;
const NOTICES = { removed: 'The job is removed.' };

export const jobsAdminPage = defineAdminPage({
  path: JOBS_PATH, title: 'Jobs', permission: maintenancePermissions.jobs, view: 'maintenance/admin/jobs',
  query: Type.Object({ state: Type.Optional(JobStateSchema), cursor: pageQuery.cursor, done: Done }),
  async load(req) {
    const { state, cursor, done } = req.query;
    const jobs = req.resolve(CoreServices.jobs);
    const [page, counts] = await Promise.all([jobs.list({ state, cursor, limit: PAGE_SIZE }), jobs.counts()]);
    const disabled = new Set(req.resolve(CoreServices.system).plugins().filter((p) => !p.enabled).map((p) => p.name));
    return {
      title: 'Jobs', notice: doneNotice(NOTICES, done), state,
      states: Object.entries(JOB_STATE_LABELS).map(([value, label]) => ({ value, label, count: counts[value as keyof typeof counts], current: value === state })),
      jobs: page.items.map(jobView),
      pager: pagerLinks(JOBS_PATH, { state }, page.nextCursor, cursor !== undefined),
      schedules: jobs.schedules(req.now()).map((s) => ({ ...s, paused: disabled.has(s.plugin) })),
    };
  },
});
