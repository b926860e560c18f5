// The maintenance.backup job: a backup made by a worker, started with POST /api/v1/system/backups or the
// backups page's button. Not retried on its own (a failure is usually a full disk or a missing directory):
// retry it from the jobs API.
import { CoreServices, defineJob, Type, type JobInfo, type RouteRequest } from 'lectern';
import { makeBackup } from './make';

export const backupJob = defineJob({
  name: 'maintenance.backup',
  payload: Type.Object({}),
  attempts: 1,
  async handler(_payload, job) {
    const info = await job.resolve(CoreServices.jobs).get(job.jobId);
    const row = await makeBackup(job, { actorId: info?.createdBy ?? null, via: 'job' });
    return { backupId: String(row.id), fileName: row.file_name, size: Number(row.size), sha256: row.sha256 };
  },
});

/** Queues a backup on behalf of whoever asked (the API and the backups page both start one this way). */
export const queueBackup = (req: RouteRequest): Promise<JobInfo> => req.transaction((tx) => tx.enqueue(backupJob, {}));
