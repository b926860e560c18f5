// Issues a certificate when a learner completes a course. A durable subscriber: the courses plugin
// writes the delivery in the transaction that records the completion, so no completion is missed even
// while this plugin is disabled or down, and a delivery may run more than once — the unique
// (course, learner, cycle) index makes the second run insert nothing, audit nothing and render nothing.
import type { EventRef, PluginContext } from 'lectern';
import { AuthDirectory } from 'lectern/auth';
import { CourseDirectoryRef, courseCompleted } from 'lectern/courses';
import { newVerificationCode } from './codes';
import { TABLE } from './model';
import { renderCertificate } from './render';

/** The payload courses sends with `courseCompleted`. */
export type CourseCompleted = typeof courseCompleted extends EventRef<infer P> ? P : never;

export async function issueCertificate(done: CourseCompleted, ctx: PluginContext): Promise<void> {
  const [courses, learner] = await Promise.all([
    ctx.resolve(CourseDirectoryRef).coursesById([done.courseId]),
    ctx.resolve(AuthDirectory).user(done.userId),
  ]);
  const course = courses.get(done.courseId);
  // Thrown, so the delivery is retried and, if the course never appears, listed as failed.
  if (!course) throw new Error(`course ${done.courseId} is unknown to the courses plugin`);
  if (!learner) {
    ctx.log.warn({ userId: done.userId, courseId: done.courseId }, 'no certificate: the learner no longer exists');
    return;
  }
  await ctx.transaction(async (tx) => {
    const [row] = await tx.db(TABLE).insert({
      course_id: done.courseId, user_id: done.userId, cycle: done.cycle, code: newVerificationCode(),
      course_title: course.title, learner_name: learner.name || learner.email,
      completed_at: done.completedAt, issued_at: ctx.now(),
    }).onConflict(['course_id', 'user_id', 'cycle']).ignore().returning('id');
    if (!row) return;
    const id = String(row.id);
    await tx.audit({ action: 'certificates.issue', target: { type: 'certificate', id }, details: { courseId: done.courseId, userId: done.userId, cycle: done.cycle } });
    await tx.enqueue(renderCertificate, { id });
  });
}
