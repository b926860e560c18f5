// A person's own job (/jobs/:id, signed in): what became of something they started, such as a CSV
// import — its state in words, progress, result as a table and error. Only whoever started it (or a
// holder of maintenance:jobs) sees it; to anyone else it does not exist.
import { defineRoute } from 'lectern';
import { JobId } from '../schemas';
import { visibleJob } from '../job-actions';
import { jobView } from '../job-view';

export const myJobPage = defineRoute({
  method: 'GET', path: '/jobs/:id', authenticated: true, html: true, params: JobId, summary: 'A job you started (page)',
  async handler(req) {
    const job = jobView(await visibleJob(req, req.params.id));
    return req.page('maintenance/jobs/job', { title: `Job ${job.id}`, job });
  },
});
