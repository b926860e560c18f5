// The regular review of published content (SOP: keep course content current): every night the items
// whose review date has passed are flagged — `GET /api/v1/content?reviewDue=true` lists them — and
// their owners are emailed, once per flag. Confirming or publishing a new version clears the flag.
import { defineJob, Type } from 'lectern';
import { ITEMS } from './model/rows';
import { notifyJob } from './notify';

export const flagReviewDue = defineJob({
  name: 'content.flagReviewDue',
  payload: Type.Object({}),
  schedule: { cron: '15 2 * * *', payload: {} },
  async handler(_payload, job) {
    const now = job.now();
    return job.transaction(async (tx) => {
      const flagged: { id: string | number; published_version: number }[] = await tx.db(ITEMS)
        .whereNull('review_flagged_at').whereNotNull('review_due_at').where('review_due_at', '<=', now).whereNotNull('published_version')
        .update({ review_flagged_at: now }).returning(['id', 'published_version']);
      for (const row of flagged) await tx.enqueue(notifyJob, { kind: 'review-due', contentId: String(row.id), version: row.published_version });
      if (flagged.length) {
        await tx.audit(flagged.map((r) => ({ action: 'content.review-due', target: { type: 'content', id: String(r.id) }, details: { version: r.published_version } })));
      }
      return { flagged: flagged.length };
    });
  },
});
