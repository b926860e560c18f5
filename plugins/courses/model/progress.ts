// Progress and completion. A learner completes items one by one (per cycle, idempotently); the course
// is complete for them once at least one item and every required item of the course is done in their
// current cycle. Completion stamps the enrollment, adds a row to the completion history (with its expiry
// when the course recertifies) and emits courseCompleted — all in the caller's transaction.
import type { TransactionContext } from 'lectern';
import { courseCompleted } from '../api';
import type { CourseStatus } from './courses';

export interface ProgressRow { cycle: number; completed_at: Date | string; score: number | null }

/** What recording an item found: the caller's enrollment, its course, whether the item is in it, and the new record. */
export interface Attempt {
  enrollment_id: number; completed_at: Date | null; status: CourseStatus; is_template: boolean; item_found: boolean;
  /** Null when nothing was recorded (the item was done already, or the course is not open). */
  recorded: ProgressRow | null;
}

/**
 * In one statement: the caller's learner enrollment in the course, whether the item belongs to the
 * course, and — when the course is open — the item recorded as done in the current cycle (once). The
 * enrollment is locked, so two items completed at once are counted by whichever commits second; the
 * course is key-share locked, so a change to its items (which locks it for update) is seen by one side
 * or the other. Undefined when the caller is not enrolled as a learner.
 */
export async function recordItem(tx: TransactionContext, at: { courseId: string; userId: string; itemId: string }, now: Date, score: number | null): Promise<Attempt | undefined> {
  const { rows } = await tx.db.raw(`
    with e as (
      select e.id, e.cycle, e.completed_at, c.status, c.is_template from courses_enrollments e join courses_courses c on c.id = e.course_id
      where e.course_id = ? and e.user_id = ? and e.status = 'active' and e.role = 'learner'
      for update of e for key share of c),
    i as (select id from courses_items where id = ? and course_id = ?),
    ins as (
      insert into courses_progress (enrollment_id, cycle, item_id, completed_at, score)
      select e.id, e.cycle, i.id, ?, ? from e, i where e.status = 'published' and not e.is_template
      on conflict (enrollment_id, cycle, item_id) do nothing
      returning cycle, completed_at, score)
    select e.id as enrollment_id, e.completed_at, e.status, e.is_template, exists (select 1 from i) as item_found,
      (select row_to_json(ins) from ins) as recorded
    from e`, [at.courseId, at.userId, at.itemId, at.courseId, now, score]) as { rows: Attempt[] };
  return rows[0];
}

interface Completed { id: number; user_id: number; cycle: number; completed_at: Date; expires_at: Date | null }

/**
 * Completes every active learner enrollment of the course (or just `enrollmentId`) whose current
 * cycle now satisfies the rule. One statement; safe to call whenever items or progress change.
 */
export async function completeSatisfied(tx: TransactionContext, courseId: string, now: Date, enrollmentId?: string | number): Promise<number> {
  const { rows } = await tx.db.raw(`
    with done as (
      update courses_enrollments e set completed_at = ?, updated_at = ?
      from courses_courses c
      where c.id = e.course_id and e.course_id = ? and e.status = 'active' and e.role = 'learner' and e.completed_at is null
        ${enrollmentId === undefined ? '' : 'and e.id = ?'}
        and exists (select 1 from courses_progress p where p.enrollment_id = e.id and p.cycle = e.cycle)
        and not exists (
          select 1 from courses_items i where i.course_id = e.course_id and i.required
            and not exists (select 1 from courses_progress p where p.enrollment_id = e.id and p.cycle = e.cycle and p.item_id = i.id))
      returning e.id, e.course_id, e.user_id, e.cycle, e.completed_at, c.recertify_after_days)
    insert into courses_completions (enrollment_id, course_id, user_id, cycle, completed_at, expires_at)
      select id, course_id, user_id, cycle, completed_at, completed_at + recertify_after_days * interval '1 day' from done
      on conflict (enrollment_id, cycle) do nothing
      returning enrollment_id as id, user_id, cycle, completed_at, expires_at`,
  [now, now, courseId, ...(enrollmentId === undefined ? [] : [enrollmentId])]) as { rows: Completed[] };
  for (const r of rows) {
    const userId = String(r.user_id);
    const expiresAt = r.expires_at === null ? null : new Date(r.expires_at).toISOString();
    await tx.audit({ action: 'courses.complete', target: { type: 'course', id: courseId }, details: { userId, cycle: r.cycle, expiresAt } });
    tx.emit(courseCompleted, { courseId, userId, cycle: r.cycle, completedAt: new Date(r.completed_at).toISOString(), expiresAt });
  }
  return rows.length;
}
