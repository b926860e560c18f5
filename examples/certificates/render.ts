// The `certificates.render` job: draws an issued certificate's PDF and stores it. Issuing enqueues it
// in the issuing transaction; delivery is at least once, so a certificate already rendered is skipped.
import { defineJob, Type } from 'lectern';
import { certificateById, TABLE, verifyPath } from './model';
import { renderCertificatePdf } from './pdf';

export const renderCertificate = defineJob({
  name: 'certificates.render',
  payload: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) }),
  async handler({ id }, job) {
    const row = await certificateById(job.db, id);
    if (!row || row.rendered_at !== null || row.learner_name === null) return { rendered: false };
    const pdf = await renderCertificatePdf({
      learnerName: row.learner_name, courseTitle: row.course_title, completedAt: new Date(row.completed_at),
      code: row.code, verifyUrl: job.url(verifyPath(row.code)),
    });
    await job.db(TABLE).where({ id }).whereNull('rendered_at').update({ pdf, rendered_at: job.now() });
    return { rendered: true, bytes: pdf.length };
  },
});
