// Progress and completion. A learner completes items one by one (per cycle, idempotently); the course
// is complete for them once at least one item and every required item of the course is done in their
// current cycle. Completion stamps the enrollment, adds a row to the completion history (with its expiry
// when the course recertifies) and emits courseCompleted — all in the caller's transaction.
import type { TransactionContext } from 'lectern';
import { courseCompleted } from '../api';

export interface ProgressRow { cycle: number; completed_at: Date; score: number | null }

/**
 * Records an item as done in the enrollment's current cycle; null when it already was. The enrollment
 * row is locked first, so two items completed at once are counted by whichever commits second.
 */
export async function recordItem(tx: TransactionContext, enrollmentId: number, itemId: string, now: Date, score: number | null): Promise<ProgressRow | null> {
  const { rows } = await tx.db.raw(`
    with e as (select id, cycle from courses_enrollments where id = ? and status = 'active' for update)
    insert into courses_progress (enrollment_id, cycle, item_id, completed_at, score) select e.id, e.cycle, ?, ?, ? from e
    on conflict (enrollment_id, cycle, item_id) do nothing
    returning cycle, completed_at, score`, [enrollmentId, itemId, now, score]) as { rows: ProgressRow[] };
  return rows[0] ?? null;
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
