// Progress and completion. A learner completes items one by one (per cycle, once each); the course is
// complete for them once at least one item and every required item is done in their current cycle.
// The enrollment carries counters of what is done (items_done, required_done) next to the course's
// required_items, so completion is decided in the same statement that records an item. Completion
// stamps the enrollment, adds a row to the completion history (with its expiry when the course
// recertifies) and emits courseCompleted — all in the caller's transaction.
import type { TransactionContext } from 'lectern';
import { courseCompleted } from '../api';
import type { CourseStatus } from './courses';

export interface ProgressRow { cycle: number; completed_at: Date | string; score: number | null }
export interface CompletionRow { enrollment_id: number; user_id: number; cycle: number; completed_at: Date | string; expires_at: Date | string | null }

/** What recording an item found and did. */
export interface Attempt {
  enrollment_id: number; status: CourseStatus; is_template: boolean; item_found: boolean;
  /** The new record; null when nothing was recorded (done already, or the course is not open). */
  recorded: ProgressRow | null;
  /** The record as it was when the item had been done already. */
  existing: ProgressRow | null;
  /** When the course was completed in this cycle (now or before), if it was. */
  course_completed_at: Date | string | null;
  /** The completion this record brought about. */
  completion: CompletionRow | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Audits completions and announces them (after commit). */
export async function announceCompletions(tx: TransactionContext, courseId: string, completions: CompletionRow[]): Promise<void> {
  for (const r of completions) {
    const userId = String(r.user_id);
    const expiresAt = iso(r.expires_at);
    await tx.audit({ action: 'courses.complete', target: { type: 'course', id: courseId }, details: { userId, cycle: r.cycle, expiresAt } });
    tx.emit(courseCompleted, { courseId, userId, cycle: r.cycle, completedAt: iso(r.completed_at) as string, expiresAt });
  }
}

/**
 * One statement: finds the caller's learner enrollment in the course and locks it (concurrent
 * completions of one learner queue up, and each sees the counters the previous one left); key-share
 * locks the course (its items change under an update lock, so the required count read is current);
 * records the item once in the current cycle when the course is open; bumps the counters; and, when
 * that completes the course, stamps the enrollment and inserts the completion (announce it with
 * announceCompletions). Undefined when the caller is not enrolled as a learner.
 */
export async function recordItem(tx: TransactionContext, at: { courseId: string; userId: string; itemId: string }, now: Date, score: number | null): Promise<Attempt | undefined> {
  const { rows } = await tx.db.raw(`
    with e as (
      select e.id, e.cycle, c.status, c.is_template, c.required_items, c.recertify_after_days
      from courses_enrollments e join courses_courses c on c.id = e.course_id
      where e.course_id = :course and e.user_id = :user and e.status = 'active' and e.role = 'learner'
      for update of e for key share of c),
    i as (select id, required::int as counts from courses_items where id = :item and course_id = :course),
    ins as (
      insert into courses_progress (enrollment_id, cycle, item_id, completed_at, score)
      select e.id, e.cycle, i.id, :now, :score from e, i where e.status = 'published' and not e.is_template
      on conflict (enrollment_id, cycle, item_id) do nothing
      returning cycle, completed_at, score),
    upd as (
      update courses_enrollments x set items_done = x.items_done + 1, required_done = x.required_done + i.counts, updated_at = :now,
        completed_at = case when x.completed_at is null and x.required_done + i.counts >= e.required_items then :now else x.completed_at end,
        last_expires_at = case when x.completed_at is null and x.required_done + i.counts >= e.required_items
          then :now::timestamptz + e.recertify_after_days * interval '1 day' else x.last_expires_at end
      from e, i where x.id = e.id and exists (select 1 from ins)
      returning x.id, x.user_id, x.cycle, x.completed_at, x.last_expires_at),
    done as (
      insert into courses_completions (enrollment_id, course_id, user_id, cycle, completed_at, expires_at)
      select id, :course, user_id, cycle, completed_at, last_expires_at from upd where completed_at is not null
      on conflict (enrollment_id, cycle) do nothing
      returning enrollment_id, user_id, cycle, completed_at, expires_at)
    select e.id as enrollment_id, e.status, e.is_template, exists (select 1 from i) as item_found,
      (select row_to_json(ins) from ins) as recorded,
      (select row_to_json(p) from (select p.cycle, p.completed_at, p.score from courses_progress p
        where p.enrollment_id = e.id and p.cycle = e.cycle and p.item_id = :item) p) as existing,
      coalesce((select completed_at from upd), (select completed_at from courses_enrollments where id = e.id)) as course_completed_at,
      (select row_to_json(done) from done) as completion
    from e`, { course: at.courseId, user: at.userId, item: at.itemId, now, score })
    // A named statement: PostgreSQL plans it once per connection, not on every completion (the core
    // names the statements its query builder makes; raw ones it leaves to their author).
    .options({ name: 'courses_record_item' }) as { rows: Attempt[] };
  return rows[0];
}

/**
 * After a course's items changed: recounts its required items and, when `progress` changed too (an
 * item became optional or went), every enrollment's counters; then completes every active learner
 * whose current cycle now satisfies the rule. Call with the course locked for update.
 */
export async function recount(tx: TransactionContext, courseId: string, now: Date, opts: { progress: boolean }): Promise<void> {
  await tx.db.raw(`update courses_courses set required_items = (select count(*) from courses_items where course_id = :course and required)
    where id = :course`, { course: courseId });
  if (!opts.progress) return;
  await tx.db.raw(`update courses_enrollments e set
      items_done = (select count(*) from courses_progress p where p.enrollment_id = e.id and p.cycle = e.cycle),
      required_done = (select count(*) from courses_progress p join courses_items i on i.id = p.item_id and i.required
        where p.enrollment_id = e.id and p.cycle = e.cycle)
    where e.course_id = :course and e.status = 'active' and e.role = 'learner'`, { course: courseId });
  const { rows } = await tx.db.raw(`
    with done as (
      update courses_enrollments e set completed_at = :now, updated_at = :now, last_expires_at = :now::timestamptz + c.recertify_after_days * interval '1 day'
      from courses_courses c
      where c.id = e.course_id and e.course_id = :course and e.status = 'active' and e.role = 'learner' and e.completed_at is null
        and e.items_done > 0 and e.required_done >= c.required_items
      returning e.id, e.user_id, e.cycle, e.completed_at, e.last_expires_at)
    insert into courses_completions (enrollment_id, course_id, user_id, cycle, completed_at, expires_at)
      select id, :course, user_id, cycle, completed_at, last_expires_at from done
      on conflict (enrollment_id, cycle) do nothing
      returning enrollment_id, user_id, cycle, completed_at, expires_at`, { course: courseId, now }) as { rows: CompletionRow[] };
  await announceCompletions(tx, courseId, rows);
}
