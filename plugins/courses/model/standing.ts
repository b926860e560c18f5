// Where a learner stands in a course: the progress counters of the current cycle (kept on the
// enrollment, see progress.ts) and the derived state — not-started, in-progress, completed, overdue,
// expired — from a row read with standingColumns (timestamps as ISO text).
import type { EnrollmentRole, EnrollmentSource } from '../api';
import type { EnrollmentRow } from './enrollments';

export type EnrollmentState = 'not-started' | 'in-progress' | 'completed' | 'overdue' | 'expired';

export interface Standing {
  id: number; course_id: number; user_id: number; role: EnrollmentRole; source: EnrollmentSource; cohort_id: number | null;
  cycle: number; required_done: number; items_done: number; required_items: number;
  enrolled_at: string; due_at: string | null; completed_at: string | null; last_expires_at: string | null;
}

/** The standing of an enrollment row as a write returned it (dates as Date), with its course's required item count. */
export function standingOf(e: EnrollmentRow, requiredItems: number): Standing {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: e.id, course_id: e.course_id, user_id: e.user_id, role: e.role, source: e.source, cohort_id: e.cohort_id, cycle: e.cycle,
    required_done: e.required_done, items_done: e.items_done, required_items: requiredItems,
    enrolled_at: new Date(e.enrolled_at).toISOString(), due_at: iso(e.due_at), completed_at: iso(e.completed_at), last_expires_at: iso(e.last_expires_at),
  };
}

/** Expired (the last completion lapsed and the current cycle is not done) comes before overdue. ISO strings compare in time order. */
export function stateOf(e: Standing, now: string): EnrollmentState {
  const lapsed = e.last_expires_at !== null && e.last_expires_at <= now;
  if (e.completed_at) return lapsed ? 'expired' : 'completed';
  if (lapsed) return 'expired';
  if (e.due_at && e.due_at < now) return 'overdue';
  return e.items_done > 0 ? 'in-progress' : 'not-started';
}

/** An enrollment as the API shows it; instructors have no progress. */
export function toEnrollment(e: Standing, now: Date) {
  const learner = e.role === 'learner';
  return {
    courseId: String(e.course_id), userId: String(e.user_id), role: e.role, source: e.source,
    cohortId: e.cohort_id === null ? null : String(e.cohort_id), cycle: e.cycle,
    enrolledAt: e.enrolled_at, dueAt: e.due_at, completedAt: e.completed_at,
    state: learner ? stateOf(e, now.toISOString()) : null,
    progress: learner ? {
      requiredTotal: e.required_items, requiredDone: e.required_done, itemsDone: e.items_done,
      percent: e.completed_at ? 100 : e.required_items ? Math.floor((e.required_done * 100) / e.required_items) : 0,
    } : null,
  };
}
export type Enrollment = ReturnType<typeof toEnrollment>;
