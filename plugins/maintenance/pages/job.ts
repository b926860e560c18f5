// One job for those who run the system (/admin/jobs/:id, maintenance:jobs): its payload, progress,
// result, error, attempts and dates, and its actions — retry when it failed, and remove after a
// confirmation page — the same actions as the jobs API.
import { defineRoute, Done, doneNotice, reply, submitForm, Type, type FormState, type RouteRequest } from 'lectern';
import { maintenancePermissions } from '../permissions';
import { JobId } from '../schemas';
import { removeJob, retryJob, visibleJob } from '../job-actions';
import { jobView } from '../job-view';
import { JOBS_PATH } from './jobs';

const VIEW = 'maintenance/admin/job';
const REMOVE_VIEW = 'maintenance/admin/job-remove';
const NOTICES = { retried: 'The job is waiting to run again.', unchanged: 'The job had not failed: nothing was changed.' };
const form = { permission: maintenancePermissions.jobs, html: true as const, params: JobId };
const href = (id: string) => `${JOBS_PATH}/${encodeURIComponent(id)}`;

async function removePage(req: RouteRequest, id: string, forms: Record<string, FormState> = {}) {
  return { title: 'Remove a job', job: jobView(await visibleJob(req, id)), forms: { remove: forms.remove ?? {} } };
}

export const jobPageRoutes = [
  defineRoute({
    ...form, method: 'GET', path: `${JOBS_PATH}/:id`, query: Type.Object({ done: Done }), summary: 'A job (page)',
    async handler(req) {
      const job = jobView(await visibleJob(req, req.params.id));
      return req.page(VIEW, { title: `Job ${job.id}`, job, notice: doneNotice(NOTICES, req.query.done) });
    },
  }),
  defineRoute({
    ...form, method: 'POST', path: `${JOBS_PATH}/:id/retry`, body: Type.Object({}), summary: 'Retry a failed job (form)',
    async handler(req) {
      const { retried } = await retryJob(req, req.params.id);
      return reply.redirect(`${href(req.params.id)}?done=${retried ? 'retried' : 'unchanged'}`);
    },
  }),
  defineRoute({
    ...form, method: 'GET', path: `${JOBS_PATH}/:id/remove`, summary: 'Confirm removing a job (page)',
    handler: async (req) => req.page(REMOVE_VIEW, await removePage(req, req.params.id)),
  }),
  defineRoute({
    ...form, method: 'POST', path: `${JOBS_PATH}/:id/remove`, body: Type.Object({}), summary: 'Remove a job that is not running (form)',
    async handler(req) {
      const page = { view: REMOVE_VIEW, form: 'remove', values: {}, load: (sent: Record<string, FormState>) => removePage(req, req.params.id, sent) };
      return submitForm(req, page, async () => {
        await removeJob(req, req.params.id);
        return reply.redirect(`${JOBS_PATH}?done=removed`);
      });
    },
  }),
];
