// Enrolling and unenrolling, whatever the way in (single, CSV, cohort, self): the enrollment row and
// the role it gives at the course's context change together, in the caller's transaction, with an
// audit record and an event (enrolled, enrollmentUpdated or unenrolled). Unenrolled rows are kept
// (status 'unenrolled') as history.
import { conflict, type Knex, type PermissionEngine, type TransactionContext } from 'lectern';
import { enrolled, enrollmentUpdated, unenrolled, type EnrollmentRole, type EnrollmentSource } from '../api';
import { courseContext, type CourseRow } from './courses';
import { learnersChanged } from '../changes';

export interface EnrollmentRow {
  id: number; course_id: number; user_id: number; role: EnrollmentRole; source: EnrollmentSource; cohort_id: number | null;
  status: 'active' | 'unenrolled'; cycle: number; required_done: number; items_done: number; enrolled_at: Date; due_at: Date | null;
  completed_at: Date | null; last_expires_at: Date | null; unenrolled_at: Date | null; updated_at: Date;
}

export interface EnrollInput {
  courseId: string; userId: string; role: EnrollmentRole; source: EnrollmentSource;
  /** The due date; on an update, undefined keeps the current one and null removes it. */
  dueAt?: Date | null; cohortId?: string | null;
  /** Change the role and due date of an active enrollment (manual and CSV enrollment do; cohort and self do not). */
  overwrite: boolean;
}
export type EnrollOutcome = 'enrolled' | 'updated' | 'unchanged';
/** What enroll did, and the enrollment as it now stands (so an answer needs no second read). */
export interface Enrolled { outcome: EnrollOutcome; row: EnrollmentRow }

/** Templates are blueprints and archived courses are closed: neither takes enrollments. */
export function assertEnrollable(course: CourseRow): void {
  if (course.is_template) throw conflict(`course ${course.id} is a template; create a course from it to enroll people`);
  if (course.status === 'archived') throw conflict(`course ${course.id} is archived and takes no enrollments`);
}

async function setRole(engine: PermissionEngine, db: Knex, userId: string, courseId: string, role: EnrollmentRole, previous?: EnrollmentRole): Promise<void> {
  if (previous && previous !== role) await dropRole(engine, db, userId, courseId, previous);
  await engine.assign(userId, role, courseContext(courseId), db);
}

async function dropRole(engine: PermissionEngine, db: Knex, userId: string, courseId: string, role: EnrollmentRole): Promise<void> {
  for (const a of await engine.listAssignments({ userId, role, context: courseContext(courseId) }, db)) await engine.unassign(a.id, db);
}

/** Enrolls one (active, checked) user, re-enrolls an unenrolled one, or updates an active enrollment. */
export async function enroll(tx: TransactionContext, engine: PermissionEngine, input: EnrollInput, now: Date): Promise<Enrolled> {
  const { courseId, userId } = input;
  const dueAt = input.dueAt ?? null;
  const fresh = { role: input.role, source: input.source, cohort_id: input.cohortId ?? null, due_at: dueAt, updated_at: now };
  const [inserted]: EnrollmentRow[] = await tx.db('courses_enrollments')
    .insert({ course_id: courseId, user_id: userId, ...fresh, status: 'active', enrolled_at: now })
    .onConflict(['course_id', 'user_id']).ignore().returning('*');
  let row = inserted;
  if (!row) {
    const existing: EnrollmentRow = await tx.db('courses_enrollments').where({ course_id: courseId, user_id: userId }).forUpdate().first();
    if (existing.status === 'active') return update(tx, engine, existing, input, now);
    [row] = await tx.db('courses_enrollments').where({ id: existing.id })
      .update({ ...fresh, status: 'active', enrolled_at: now, unenrolled_at: null }).returning('*');
    await dropRole(engine, tx.db, userId, courseId, existing.role);
  }
  await setRole(engine, tx.db, userId, courseId, input.role);
  await learnersChanged(tx, [userId]);
  await tx.audit({ action: 'courses.enroll', target: { type: 'course', id: courseId }, details: { userId, role: input.role, source: input.source, dueAt: dueAt?.toISOString() ?? null } });
  tx.emit(enrolled, { courseId, userId, role: input.role, source: input.source, cycle: row.cycle, dueAt: dueAt?.toISOString() ?? null });
  return { outcome: 'enrolled', row };
}

async function update(tx: TransactionContext, engine: PermissionEngine, existing: EnrollmentRow, input: EnrollInput, now: Date): Promise<Enrolled> {
  const dueBefore = existing.due_at ? new Date(existing.due_at).toISOString() : null;
  const dueAfter = input.dueAt?.toISOString() ?? null;
  const changes: Record<string, unknown> = {};
  if (input.overwrite && input.role !== existing.role) changes.role = input.role;
  if (input.overwrite && input.dueAt !== undefined && dueAfter !== dueBefore) changes.due_at = input.dueAt;
  if (!Object.keys(changes).length) return { outcome: 'unchanged', row: existing };
  const [row]: EnrollmentRow[] = await tx.db('courses_enrollments').where({ id: existing.id }).update({ ...changes, updated_at: now }).returning('*');
  if (changes.role) await setRole(engine, tx.db, input.userId, input.courseId, input.role, existing.role);
  await learnersChanged(tx, [input.userId]);
  await tx.audit({
    action: 'courses.enrollment.update', target: { type: 'course', id: input.courseId },
    details: {
      userId: input.userId,
      ...(changes.role ? { role: { from: existing.role, to: input.role } } : {}),
      ...('due_at' in changes ? { dueAt: { from: dueBefore, to: dueAfter } } : {}),
    },
  });
  tx.emit(enrollmentUpdated, {
    courseId: input.courseId, userId: input.userId, role: changes.role ? input.role : existing.role, dueAt: 'due_at' in changes ? dueAfter : dueBefore,
  });
  return { outcome: 'updated', row };
}

/** Ends an active enrollment and the role it gave; false when there was none. */
export async function unenroll(tx: TransactionContext, engine: PermissionEngine, courseId: string, userId: string, now: Date, reason: string): Promise<boolean> {
  const [row]: EnrollmentRow[] = await tx.db('courses_enrollments').where({ course_id: courseId, user_id: userId, status: 'active' })
    .update({ status: 'unenrolled', unenrolled_at: now, updated_at: now }).returning('*');
  if (!row) return false;
  await dropRole(engine, tx.db, userId, courseId, row.role);
  await learnersChanged(tx, [userId]);
  await tx.audit({ action: 'courses.unenroll', target: { type: 'course', id: courseId }, details: { userId, role: row.role, reason } });
  tx.emit(unenrolled, { courseId, userId, role: row.role });
  return true;
}
