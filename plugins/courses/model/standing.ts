// Where a learner stands in a course: progress counts of the current cycle and the derived state
// (not-started, in-progress, completed, overdue, expired), read with the enrollment in one query.
import type { Knex } from 'lectern';
import type { EnrollmentRow } from './enrollments';

export type EnrollmentState = 'not-started' | 'in-progress' | 'completed' | 'overdue' | 'expired';

export interface StandingColumns { required_total: number; required_done: number; items_done: number; last_expires_at: Date | null }
export type EnrollmentWithStanding = EnrollmentRow & StandingColumns;

/** The columns to select next to `e.*` (an enrollment aliased `e`): one indexed subquery each, no N+1. */
export function standingColumns(db: Knex): Knex.Raw[] {
  return [
    db.raw('(select count(*)::int from courses_items i where i.course_id = e.course_id and i.required) as required_total'),
    db.raw(`(select count(*)::int from courses_progress p join courses_items i on i.id = p.item_id
      where p.enrollment_id = e.id and p.cycle = e.cycle and i.required) as required_done`),
    db.raw('(select count(*)::int from courses_progress p where p.enrollment_id = e.id and p.cycle = e.cycle) as items_done'),
    db.raw('(select k.expires_at from courses_completions k where k.enrollment_id = e.id order by k.cycle desc limit 1) as last_expires_at'),
  ];
}

/** Expired (the last completion lapsed and the current cycle is not done) comes before overdue. */
export function stateOf(e: EnrollmentWithStanding, now: Date): EnrollmentState {
  const lapsed = e.last_expires_at !== null && new Date(e.last_expires_at) <= now;
  if (e.completed_at) return lapsed ? 'expired' : 'completed';
  if (lapsed) return 'expired';
  if (e.due_at && new Date(e.due_at) < now) return 'overdue';
  return e.items_done > 0 ? 'in-progress' : 'not-started';
}

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

/** An enrollment as the API shows it; instructors have no progress. */
export function toEnrollment(e: EnrollmentWithStanding, now: Date) {
  const learner = e.role === 'learner';
  return {
    courseId: String(e.course_id), userId: String(e.user_id), role: e.role, source: e.source,
    cohortId: e.cohort_id === null ? null : String(e.cohort_id), cycle: e.cycle,
    enrolledAt: iso(e.enrolled_at), dueAt: iso(e.due_at), completedAt: iso(e.completed_at),
    state: learner ? stateOf(e, now) : null,
    progress: learner ? {
      requiredTotal: e.required_total, requiredDone: e.required_done, itemsDone: e.items_done,
      percent: e.completed_at ? 100 : e.required_total ? Math.floor((e.required_done * 100) / e.required_total) : 0,
    } : null,
  };
}
export type Enrollment = ReturnType<typeof toEnrollment>;
