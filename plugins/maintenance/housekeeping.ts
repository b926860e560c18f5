// Nightly housekeeping (SOP: routine maintenance): finished job records past keepFinishedJobsDays and
// temporary files of uploads interrupted more than a day ago. Each run leaves one `maintenance.housekeeping`
// audit record with its counts. Expired sessions and tokens are the auth plugin's own sweep (auth.cleanup);
// how long audit records and other personal data are kept is the privacy plugin's retention.
import { CoreServices, defineJob, Type } from 'lectern';
import { maintenanceSettings } from './settings';

const DAY_MS = 86_400_000;

export const housekeeping = defineJob({
  name: 'maintenance.housekeeping',
  payload: Type.Object({}, { additionalProperties: false }),
  schedule: { cron: '43 3 * * *', payload: {} },
  async handler(_payload, job) {
    const now = job.now().getTime();
    const { keepFinishedJobsDays } = await job.settings(maintenanceSettings);
    const jobs = await job.resolve(CoreServices.jobs).prune(new Date(now - keepFinishedJobsDays * DAY_MS));
    const files = await job.resolve(CoreServices.system).removeTemporaryFiles(new Date(now - DAY_MS));
    const counts = { jobs, files };
    await job.audit({ action: 'maintenance.housekeeping', details: { ...counts, keepFinishedJobsDays } });
    return counts;
  },
});
