// Progress and completion. A learner completes items one by one (per cycle, once each); the course is
// complete for them once at least one item and every required item is done in their current cycle.
// The enrollment carries counters of what is done (items_done, required_done) next to the course's
// required_items, so completion is decided in the same statement that records an item. Completion
// stamps the enrollment, adds a row to the completion history (with its expiry when the course
// recertifies) and emits courseCompleted — all in the caller's transaction.
import type { Knex, TransactionContext } from 'lectern';
import { courseCompleted } from '../api';
import type { CourseStatus } from './courses';
import { coursesChanged } from '../changes';

export interface ProgressRow { cycle: number; completed_at: Date | string; score: number | null }
export interface CompletionRow { enrollment_id: number; user_id: number; cycle: number; completed_at: Date | string; expires_at: Date | string | null }

/** What recording an item found and did. */
export interface Attempt {
  enrollment_id: number | null; status: CourseStatus; is_template: boolean; item_found: boolean;
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

/** The audit record and event of a course completion. */
export function completionNotice(courseId: string, r: CompletionRow) {
  const userId = String(r.user_id);
  const expiresAt = iso(r.expires_at);
  return {
    audit: { action: 'courses.complete', target: { type: 'course', id: courseId }, details: { userId, cycle: r.cycle, expiresAt } },
    event: { courseId, userId, cycle: r.cycle, completedAt: iso(r.completed_at) as string, expiresAt },
  };
}

/** Audits completions and announces them (after commit). */
export async function announceCompletions(tx: TransactionContext, courseId: string, completions: CompletionRow[]): Promise<void> {
  const notices = completions.map((r) => completionNotice(courseId, r));
  await tx.audit(notices.map((n) => n.audit));
  for (const n of notices) tx.emit(courseCompleted, n.event);
}

/** One item completion asked for: by whom, in which course, which item, with what score. */
export interface ItemCompletion { courseId: string; userId: string; itemId: string; score: number | null }

/**
 * Records many item completions in one statement (see completions.ts): locks the learners'
 * enrollments in id order (concurrent writers queue up without deadlocking, and each sees the counters
 * the previous one left); key-share locks their courses (items change under an update lock, so the
 * required counts read are current); records each item once in the current cycle when the course is
 * open; bumps each enrollment's counters by what it gained; and where that completes the course, stamps
 * the enrollment and inserts the completion. One row per completion asked for, in order; an item asked
 * for twice is recorded for the first and found "existing" for the others. `enrollment_id` is null
 * when the learner is not enrolled in the course as a learner.
 */
export async function recordItems(tx: TransactionContext, asked: readonly ItemCompletion[], now: Date): Promise<Attempt[]> {
  const { rows } = await tx.db.raw(`
    with input as (
      select * from unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::float8[]) with ordinality as a(course_id, user_id, item_id, score, n)),
    e as (
      select e.id, e.course_id, e.user_id, e.cycle, c.status, c.is_template, c.required_items, c.recertify_after_days
      from courses_enrollments e join courses_courses c on c.id = e.course_id
      where (e.course_id, e.user_id) in (select course_id, user_id from input) and e.status = 'active' and e.role = 'learner'
      order by e.id
      for update of e for key share of c),
    t as (
      select input.n, input.item_id, input.score, e.id as enrollment_id, e.cycle, e.status, e.is_template, i.id is not null as item_found
      from input left join e on e.course_id = input.course_id and e.user_id = input.user_id
        left join courses_items i on i.id = input.item_id and i.course_id = input.course_id),
    ins as (
      insert into courses_progress (enrollment_id, cycle, item_id, completed_at, score)
      select enrollment_id, cycle, item_id, ?, score from t
      where enrollment_id is not null and item_found and status = 'published' and not is_template
      on conflict (enrollment_id, cycle, item_id) do nothing
      returning enrollment_id, item_id, cycle, completed_at, score),
    gained as (
      select ins.enrollment_id, count(*)::int as items, (count(*) filter (where i.required))::int as required
      from ins join courses_items i on i.id = ins.item_id group by ins.enrollment_id),
    upd as (
      update courses_enrollments x set items_done = x.items_done + g.items, required_done = x.required_done + g.required, updated_at = ?,
        completed_at = case when x.completed_at is null and x.required_done + g.required >= e.required_items then ? else x.completed_at end,
        last_expires_at = case when x.completed_at is null and x.required_done + g.required >= e.required_items
          then ?::timestamptz + e.recertify_after_days * interval '1 day' else x.last_expires_at end
      from gained g join e on e.id = g.enrollment_id
      where x.id = g.enrollment_id
      returning x.id, x.course_id, x.user_id, x.cycle, x.completed_at, x.last_expires_at),
    done as (
      insert into courses_completions (enrollment_id, course_id, user_id, cycle, completed_at, expires_at)
      select id, course_id, user_id, cycle, completed_at, last_expires_at from upd where completed_at is not null
      on conflict (enrollment_id, cycle) do nothing
      returning enrollment_id, user_id, cycle, completed_at, expires_at)
    select t.enrollment_id, t.status, t.is_template, t.item_found,
      (select row_to_json(r) from (select ins.cycle, ins.completed_at, ins.score from ins
        where ins.enrollment_id = t.enrollment_id and ins.item_id = t.item_id) r) as recorded,
      (select row_to_json(p) from (select p.cycle, p.completed_at, p.score from courses_progress p
        where p.enrollment_id = t.enrollment_id and p.cycle = t.cycle and p.item_id = t.item_id) p) as existing,
      coalesce((select completed_at from upd where upd.id = t.enrollment_id),
        (select completed_at from courses_enrollments where id = t.enrollment_id)) as course_completed_at,
      (select row_to_json(d) from done d where d.enrollment_id = t.enrollment_id) as completion
    from t order by t.n`, [
    asked.map((a) => a.courseId), asked.map((a) => a.userId), asked.map((a) => a.itemId), asked.map((a) => a.score), now, now, now, now,
  ] as Knex.RawBinding[]).options({ prepare: true }) as { rows: Attempt[] };
  // The same item asked for twice: the first records it, the others find it done; a completion is announced once.
  const recorded = new Set<string>();
  const completed = new Set<number | null>();
  return rows.map((row, i) => {
    const key = `${row.enrollment_id}:${asked[i].itemId}`;
    const attempt = { ...row };
    if (attempt.recorded && recorded.has(key)) [attempt.existing, attempt.recorded] = [attempt.recorded, null];
    if (attempt.recorded) recorded.add(key);
    if (attempt.completion && completed.has(row.enrollment_id)) attempt.completion = null;
    if (attempt.completion) completed.add(row.enrollment_id);
    return attempt;
  });
}

/**
 * After a course's items changed: recounts its required items and, when `progress` changed too (an
 * item became optional or went), every enrollment's counters; then completes every active learner
 * whose current cycle now satisfies the rule. Call with the course locked for update.
 */
export async function recount(tx: TransactionContext, courseId: string, now: Date, opts: { progress: boolean }): Promise<void> {
  await coursesChanged(tx);
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
