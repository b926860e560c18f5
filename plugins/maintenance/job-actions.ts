// Seeing, retrying and removing a job, for the jobs API and the jobs pages alike: everyone sees and
// retries their own jobs, holders of maintenance:jobs every job; a job someone may not see is a 404, as
// if absent. Retrying and removing are audited.
import { conflict, CoreServices, notFound, type JobInfo, type RouteRequest } from 'lectern';
import { maintenancePermissions } from './permissions';

/** The job, if the caller started it or holds maintenance:jobs; else a 404. */
export async function visibleJob(req: RouteRequest, id: string): Promise<JobInfo> {
  const job = await req.resolve(CoreServices.jobs).get(id);
  if (job === null || (job.createdBy !== req.principal?.id && !(await req.can(maintenancePermissions.jobs)))) {
    throw notFound(`job ${id} does not exist`);
  }
  return job;
}

/** Moves a failed job back to waiting; the job as it is (and no audit record) when it has not failed. */
export async function retryJob(req: RouteRequest, id: string): Promise<{ job: JobInfo; retried: boolean }> {
  const job = await visibleJob(req, id);
  const retried = await req.resolve(CoreServices.jobs).retry(id);
  if (!retried) return { job, retried: false };
  await req.audit({ action: 'jobs.retry', target: { type: 'job', id: retried.id } });
  return { job: retried, retried: true };
}

/** Deletes a job that is not running; a running one is a 409. */
export async function removeJob(req: RouteRequest, id: string): Promise<void> {
  const job = await visibleJob(req, id);
  const removed = await req.resolve(CoreServices.jobs).remove(id);
  if (removed === null) throw notFound(`job ${id} does not exist`);
  if (removed === 'active') throw conflict(`job ${id} is running; it can be removed once it has finished`);
  await req.audit({ action: 'jobs.remove', target: { type: 'job', id }, details: { name: job.name, state: job.state } });
}
