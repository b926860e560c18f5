// POST /api/v1/system/housekeeping (API.md "Health, system, jobs"): runs the nightly housekeeping now, as
// a job; the request is audited with the job it started.
import { defineRoute, JobAccepted, reply } from 'lectern';
import { maintenancePermissions } from '../permissions';
import { housekeeping } from '../housekeeping';

export const housekeepingRoute = defineRoute({
  method: 'POST', path: '/api/v1/system/housekeeping', permission: maintenancePermissions.manage,
  summary: 'Run housekeeping now: prune old job records, remove abandoned upload files (a job)', responses: { 202: JobAccepted },
  handler: async (req) => reply.accepted(await req.transaction(async (tx) => {
    const job = await tx.enqueue(housekeeping, {});
    await tx.audit({ action: 'maintenance.housekeeping.start', target: { type: 'job', id: job.id } });
    return job;
  })),
});
