// Nightly housekeeping (SOP: routine maintenance): finished job records past keepFinishedJobsDays, audit
// records past keepAuditDays (0 keeps them for ever; the prune records itself), and temporary files of
// uploads interrupted more than a day ago. Each run leaves one `maintenance.housekeeping` audit record
// with its counts. Expired sessions and tokens are the auth plugin's own sweep (auth.cleanup).
import { CoreServices, defineJob, Type } from 'lectern';
import { maintenanceSettings } from './settings';

const DAY_MS = 86_400_000;

export const housekeeping = defineJob({
  name: 'maintenance.housekeeping',
  payload: Type.Object({}, { additionalProperties: false }),
  schedule: { cron: '43 3 * * *', payload: {} },
  async handler(_payload, job) {
    const now = job.now().getTime();
    const { keepFinishedJobsDays, keepAuditDays } = await job.settings(maintenanceSettings);
    const jobs = await job.resolve(CoreServices.jobs).prune(new Date(now - keepFinishedJobsDays * DAY_MS));
    const files = await job.resolve(CoreServices.system).removeTemporaryFiles(new Date(now - DAY_MS));
    const audit = keepAuditDays > 0 ? await job.resolve(CoreServices.audit).prune(new Date(now - keepAuditDays * DAY_MS)) : 0;
    const counts = { jobs, audit, files };
    await job.audit({ action: 'maintenance.housekeeping', details: { ...counts, keepFinishedJobsDays, keepAuditDays } });
    return counts;
  },
});
