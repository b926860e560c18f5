// The jobs API (API.md "Health, system, jobs"): everyone sees and retries their own jobs (a CSV import's
// status); holders of maintenance:jobs see every job, and remove jobs that are not running.
import { CoreServices, defineRoute, JobStateSchema, pageQuery, reply, Type } from 'lectern';
import { maintenancePermissions } from '../permissions';
import { Job, JobId, JobPage } from '../schemas';
import { removeJob, retryJob, visibleJob } from '../job-actions';

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
    handler: async (req) => visibleJob(req, req.params.id),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/jobs/:id/retry', authenticated: true, params: JobId,
    summary: 'Retry a failed job (a job that has not failed is answered as it is)', responses: { 200: Job },
    handler: async (req) => reply.ok((await retryJob(req, req.params.id)).job),
  }),
  defineRoute({
    method: 'DELETE', path: '/api/v1/jobs/:id', permission: maintenancePermissions.jobs, params: JobId,
    summary: 'Remove a job that is not running, with its result', responses: { 204: null }, errors: [409],
    async handler(req) {
      await removeJob(req, req.params.id);
      return reply.noContent();
    },
  }),
];
