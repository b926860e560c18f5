// The maintenance.backup job: a backup made by a worker, started with POST /api/v1/system/backups. Not
// retried on its own (a failure is usually a full disk or a missing directory): retry it from the jobs API.
import { CoreServices, defineJob, Type } from 'lectern';
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
