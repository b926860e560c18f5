// The retention API: GET /api/v1/privacy/retention (each kind, its days, the last run), PUT sets days per
// kind (unknown kinds are a 400 naming them), POST …/run runs the daily job now. All privacy:manage.
import { defineRoute, JobAccepted, reply } from 'lectern';
import { privacyPermissions } from '../permissions';
import { retentionState, setRetention } from './actions';
import { retentionJob } from './job';
import { RetentionState, RetentionUpdate } from './schemas';

export const RETENTION_API = '/api/v1/privacy/retention';

export const retentionRoutes = [
  defineRoute({
    method: 'GET', path: RETENTION_API, permission: privacyPermissions.manage, summary: 'How long each kind of personal data is kept, and the last run',
    responses: { 200: RetentionState },
    handler: (req) => retentionState(req),
  }),
  defineRoute({
    method: 'PUT', path: RETENTION_API, permission: privacyPermissions.manage, body: RetentionUpdate,
    summary: 'Set the days kinds of personal data are kept (0 = for ever)', responses: { 200: RetentionState },
    async handler(req) {
      await setRetention(req, req.body.days);
      return retentionState(req);
    },
  }),
  defineRoute({
    method: 'POST', path: `${RETENTION_API}/run`, permission: privacyPermissions.manage,
    summary: 'Apply retention now (a job; also daily)', responses: { 202: JobAccepted },
    handler: async (req) => reply.accepted(await req.transaction(async (tx) => {
      const job = await tx.enqueue(retentionJob, {});
      await tx.audit({ action: 'privacy.retention.start', target: { type: 'job', id: job.id } });
      return job;
    })),
  }),
];
