// Recertification, daily. (1) Learners whose current completion of a published course expires within
// `recertifyNoticeDays` start a new cycle: re-enrolled with the expiry as their new due date, notified by
// email; the completion stays in the history. (2) Completions past their expiry are stamped expired and
// announced (completionExpired). Both steps select by state and change it with a compare-and-set, in
// batches of one transaction each, so the job can be killed or run twice without harm.
import { defineJob, sendMail, Type, type JobContext } from 'lectern';
import { completionExpired, enrolled } from './api';
import { courseSettings } from './settings';
import { directory } from './model/users';
import { learnersChanged } from './changes';

const BATCH = 200;
const DAY_MS = 86_400_000;

interface Due { id: number; course_id: number; user_id: number; cycle: number; last_expires_at: Date; title: string; code: string }
interface Lapsed { id: number; course_id: number; user_id: number; cycle: number; completed_at: Date }

async function startNewCycles(job: JobContext, now: Date, noticeDays: number): Promise<number> {
  let after = 0;
  let count = 0;
  for (;;) {
    const due: Due[] = await job.db('courses_enrollments as e').join('courses_courses as c', 'c.id', 'e.course_id')
      .where({ 'e.status': 'active', 'e.role': 'learner', 'c.status': 'published' }).whereNotNull('e.completed_at')
      .where('e.last_expires_at', '<=', new Date(now.getTime() + noticeDays * DAY_MS)).where('e.id', '>', after)
      .orderBy('e.id').limit(BATCH).select('e.id', 'e.course_id', 'e.user_id', 'e.cycle', 'e.last_expires_at', 'c.title', 'c.code');
    if (!due.length) return count;
    after = due[due.length - 1].id;
    const users = await directory(job).usersById(due.map((d) => String(d.user_id)));
    count += await job.transaction(async (tx) => {
      let started = 0;
      for (const d of due) {
        const user = users.get(String(d.user_id));
        if (user?.status !== 'active') continue;
        const dueAt = new Date(d.last_expires_at);
        const n = await tx.db('courses_enrollments').where({ id: d.id, cycle: d.cycle }).whereNotNull('completed_at')
          .update({ cycle: d.cycle + 1, completed_at: null, required_done: 0, items_done: 0, enrolled_at: now, due_at: dueAt, updated_at: now });
        if (!n) continue;
        started += 1;
        const courseId = String(d.course_id);
        const userId = String(d.user_id);
        await tx.enqueue(sendMail, {
          to: user.email,
          subject: `Recertification due: ${d.title}`,
          text: `Hello ${user.name},\n\nYour completion of "${d.title}" (${d.code}) expires on ${dueAt.toISOString().slice(0, 10)}. `
            + `You have been enrolled again; complete the course by then to stay certified:\n${job.url(`/courses/${courseId}`)}\n`,
        });
        await learnersChanged(tx, [userId]);
        await tx.audit({ action: 'courses.recertify', target: { type: 'course', id: courseId }, details: { userId, cycle: d.cycle + 1, dueAt: dueAt.toISOString() } });
        tx.emit(enrolled, { courseId, userId, role: 'learner', source: 'recertification', cycle: d.cycle + 1, dueAt: dueAt.toISOString() });
      }
      return started;
    });
  }
}

async function expireLapsed(job: JobContext, now: Date): Promise<number> {
  let count = 0;
  for (;;) {
    const n = await job.transaction(async (tx) => {
      const lapsed: Lapsed[] = await tx.db('courses_completions').whereIn('id', tx.db('courses_completions').select('id')
        .whereNull('expired_at').whereNotNull('expires_at').where('expires_at', '<=', now).orderBy('id').limit(BATCH).forUpdate().skipLocked())
        .update({ expired_at: now }).returning(['id', 'course_id', 'user_id', 'cycle', 'completed_at']);
      for (const k of lapsed) {
        const courseId = String(k.course_id);
        const userId = String(k.user_id);
        await tx.audit({ action: 'courses.completion.expire', target: { type: 'course', id: courseId }, details: { userId, cycle: k.cycle } });
        tx.emit(completionExpired, { courseId, userId, cycle: k.cycle, completedAt: new Date(k.completed_at).toISOString(), expiredAt: now.toISOString() });
      }
      return lapsed.length;
    });
    if (!n) return count;
    count += n;
  }
}

export const recertify = defineJob({
  name: 'courses.recertify',
  payload: Type.Object({}, { additionalProperties: false }),
  schedule: { cron: '20 2 * * *', payload: {} },
  async handler(_payload, job) {
    const now = job.now();
    const { recertifyNoticeDays } = await job.settings(courseSettings);
    const reenrolled = await startNewCycles(job, now, recertifyNoticeDays);
    const expired = await expireLapsed(job, now);
    return { reenrolled, expired };
  },
});
