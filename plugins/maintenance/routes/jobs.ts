// The jobs API (API.md "Health, system, jobs"): everyone sees and retries their own jobs (a CSV import's
// status); holders of maintenance:jobs see every job. A job someone may not see is a 404, as if absent.
import { CoreServices, defineRoute, JobStateSchema, notFound, pageQuery, reply, Type, type JobInfo, type RouteRequest } from 'lectern';
import { maintenancePermissions } from '../permissions';
import { Job, JobId, JobPage } from '../schemas';

const canSeeJob = async (req: RouteRequest, job: JobInfo | null): Promise<boolean> =>
  job !== null && (job.createdBy === req.principal?.id || await req.can(maintenancePermissions.jobs));

export const jobRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/jobs', authenticated: true, summary: 'Background jobs (your own, or all with maintenance:jobs)',
    query: Type.Object({ state: Type.Optional(JobStateSchema), ...pageQuery }), responses: { 200: JobPage },
    async handler(req) {
      const all = await req.can(maintenancePermissions.jobs);
      return req.resolve(CoreServices.jobs).list({ ...req.query, createdBy: all ? undefined : req.principal.id });
    },
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/jobs/:id', authenticated: true, params: JobId, summary: 'One job', responses: { 200: Job },
    async handler(req) {
      const job = await req.resolve(CoreServices.jobs).get(req.params.id);
      if (!(await canSeeJob(req, job))) throw notFound(`job ${req.params.id} does not exist`);
      return job as JobInfo;
    },
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/jobs/:id/retry', authenticated: true, params: JobId,
    summary: 'Retry a failed job (a job that has not failed is answered as it is)', responses: { 200: Job },
    async handler(req) {
      const jobs = req.resolve(CoreServices.jobs);
      const job = await jobs.get(req.params.id);
      if (!(await canSeeJob(req, job))) throw notFound(`job ${req.params.id} does not exist`);
      const retried = await jobs.retry(req.params.id);
      if (!retried) return reply.ok(job);
      await req.audit({ action: 'jobs.retry', target: { type: 'job', id: retried.id } });
      return retried;
    },
  }),
];
