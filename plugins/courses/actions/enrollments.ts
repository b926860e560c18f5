// Enrollment changes, shared by the JSON API and the pages: enrolling one user (or changing their role
// or due date), unenrolling them, enrolling oneself where a course allows it, and linking a cohort to a
// course (its members are enrolled by a job written with the link) or unlinking it. Users and cohorts are
// checked before the transaction — they must be ones the caller may enroll (model/users.ts); the write,
// the role it gives, the audit record and the event go together in it.
import { CoreServices, forbidden, notFound, type JobInfo, type RouteRequest, type SignedInRequest } from 'lectern';
import { getCourse, visibleCourse } from '../model/courses';
import { assertEnrollable, enroll, unenroll, type EnrollOutcome } from '../model/enrollments';
import { standingOf, toEnrollment, type Enrollment } from '../model/standing';
import { activeUser, assertEnrollableCohort, assertEnrollableUser } from '../model/users';
import { enrollCohort, unlinkCohort } from '../cohorts';
import { checkEnrollmentKey } from '../enrollment-key';
import type { EnrollmentRole } from '../api';

/** What an enrollment action did, and the enrollment as the API shows it. */
export interface EnrollAnswer { outcome: EnrollOutcome; enrollment: Enrollment }

/** Enrolls an active user the caller may enroll, or changes the role and due date of their enrollment (dueAt undefined keeps it, null removes it). */
export async function enrollUser(req: SignedInRequest, courseId: string, input: { userId: string; role: EnrollmentRole; dueAt?: Date | null }): Promise<EnrollAnswer> {
  await assertEnrollableUser(req, req.principal, input.userId, 'body.userId');
  const engine = req.resolve(CoreServices.permissions);
  return req.transaction(async (tx) => {
    const course = await getCourse(tx.db, courseId);
    assertEnrollable(course);
    const { outcome, row } = await enroll(tx, engine, { courseId, ...input, source: 'manual', overwrite: true }, req.now());
    return { outcome, enrollment: toEnrollment(standingOf(row, course.required_items), req.now()) };
  });
}

/** Ends a user's active enrollment (their progress and completions are kept); a 404 when there is none. */
export function unenrollUser(req: RouteRequest, courseId: string, userId: string): Promise<void> {
  const engine = req.resolve(CoreServices.permissions);
  return req.transaction(async (tx) => {
    if (!(await unenroll(tx, engine, courseId, userId, req.now(), 'manual'))) throw notFound(`user ${userId} is not enrolled in course ${courseId}`);
  });
}

/** The caller enrolls as a learner in a published course that allows it, with its key when it has one (guesses are throttled). */
export async function selfEnroll(req: SignedInRequest, courseId: string, key: string | undefined): Promise<EnrollAnswer> {
  const userId = req.principal.id;
  const course = await visibleCourse(req, courseId);
  if (course.status !== 'published' || course.is_template || !course.self_enrollment) throw forbidden(`course ${courseId} does not allow self-enrollment`);
  await checkEnrollmentKey(req, course, key);
  await activeUser(req, userId, 'principal');
  const engine = req.resolve(CoreServices.permissions);
  const { outcome, row } = await req.transaction((tx) => enroll(tx, engine, { courseId, userId, role: 'learner', source: 'self', overwrite: false }, req.now()));
  return { outcome, enrollment: toEnrollment(standingOf(row, course.required_items), req.now()) };
}

/** Links a cohort the caller may enroll (a new due date replaces the link's); the job it returns enrolls the members, and later members follow. */
export async function linkCohort(req: SignedInRequest, courseId: string, cohortId: string, dueAt: string | null): Promise<JobInfo> {
  await assertEnrollableCohort(req, req.principal, cohortId);
  return req.transaction(async (tx) => {
    assertEnrollable(await getCourse(tx.db, courseId));
    await tx.db('courses_cohort_links').insert({ course_id: courseId, cohort_id: cohortId, due_at: dueAt ? new Date(dueAt) : null })
      .onConflict(['course_id', 'cohort_id']).merge(['due_at']);
    await tx.audit({ action: 'courses.cohort.link', target: { type: 'course', id: courseId }, details: { cohortId, dueAt } });
    return tx.enqueue(enrollCohort, { cohortId, courseId });
  });
}

/** Unlinks a cohort: later members are no longer enrolled; enrollments made through it stay. A 404 when it was not linked. */
export async function unlinkCourseCohort(req: RouteRequest, courseId: string, cohortId: string): Promise<void> {
  const unlinked = await req.transaction((tx) => unlinkCohort(tx, cohortId, courseId, 'unlinked'));
  if (!unlinked.length) throw notFound(`cohort ${cohortId} is not linked to course ${courseId}`);
}
