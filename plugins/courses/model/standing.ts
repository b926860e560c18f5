// Where a learner stands in a course: the progress counters of the current cycle (kept on the
// enrollment, see progress.ts) and the derived state — not-started, in-progress, completed, overdue,
// expired — read with the enrollment and its course in one query.
import type { Knex } from 'lectern';
import type { EnrollmentRow } from './enrollments';

export type EnrollmentState = 'not-started' | 'in-progress' | 'completed' | 'overdue' | 'expired';

export type EnrollmentWithStanding = EnrollmentRow & { required_items: number };

/** `e.*` of an enrollment aliased `e`, with its course's required item count (`c` joined). */
export const standingColumns = (db: Knex) => ['e.*', db.raw('c.required_items')];

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
      requiredTotal: e.required_items, requiredDone: e.required_done, itemsDone: e.items_done,
      percent: e.completed_at ? 100 : e.required_items ? Math.floor((e.required_done * 100) / e.required_items) : 0,
    } : null,
  };
}
export type Enrollment = ReturnType<typeof toEnrollment>;
