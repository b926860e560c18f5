// The compliance report (API.md "Reporting"): across courses (every one, a category's, or one), the active
// learner enrollments that need attention, each in one state, by the date that matters:
//   expired        a completion ran out: its expiry passed, or a recertification cycle's due date passed
//   overdue        the due date passed, first cycle, not completed
//   due_soon       due within `dueWithinDays`, not completed
//   expiring_soon  completed, the completion expires within `expiringWithinDays`
import type { Knex } from 'lectern';
import { COURSES, ENROLLMENTS } from './summary';

export type ComplianceState = 'expired' | 'overdue' | 'due_soon' | 'expiring_soon';
export interface ComplianceFilter {
  now: Date; dueSoon: Date; expiringSoon: Date; courseId?: string; cohortId?: string; state?: ComplianceState;
  /** Only courses in these categories (a category and those beneath it: compliance-scope.ts). */
  categoryIds?: string[];
}

/** The state of a row; bindings: now, now, now, dueSoon, now, expiringSoon. */
const STATE = `case
  when e.expires_at <= ? or (e.cycle > 1 and e.completed_at is null and e.due_at <= ?) then 'expired'
  when e.completed_at is null and e.due_at < ? then 'overdue'
  when e.completed_at is null and e.due_at < ? then 'due_soon'
  when e.completed_at is not null and e.expires_at > ? and e.expires_at <= ? then 'expiring_soon' end`;
const stateBindings = (f: ComplianceFilter) => [f.now, f.now, f.now, f.dueSoon, f.now, f.expiringSoon];
/** The date the state is about. */
const WHEN = `coalesce(case when e.completed_at is null then e.due_at end, e.expires_at)`;

export interface ComplianceRow { course_id: string; user_id: string; title: string; code: string; due_at: Date | null; expires_at: Date | null; completed_at: Date | null; state: ComplianceState; at: Date }

function attention(db: Knex, f: ComplianceFilter): Knex.QueryBuilder {
  const q = db(`${ENROLLMENTS} as e`).join(`${COURSES} as c`, 'c.course_id', 'e.course_id')
    .where({ 'e.role': 'learner', 'e.status': 'active' }).whereRaw(`(${STATE}) is not null`, stateBindings(f));
  if (f.courseId) q.where('e.course_id', f.courseId);
  if (f.categoryIds) q.whereRaw('c.category_id = any(?::bigint[])', [f.categoryIds]);
  if (f.cohortId) q.whereExists(db('reporting_cohort_members as m').whereRaw('m.user_id = e.user_id').where('m.cohort_id', f.cohortId).select(db.raw('1')));
  if (f.state) q.whereRaw(`(${STATE}) = ?`, [...stateBindings(f), f.state]);
  return q;
}

export async function complianceSummary(db: Knex, f: ComplianceFilter): Promise<Record<'expired' | 'overdue' | 'dueSoon' | 'expiringSoon', number>> {
  const rows: { state: ComplianceState; n: string | number }[] = await attention(db, { ...f, state: undefined })
    .select(db.raw(`${STATE} as state`, stateBindings(f)), db.raw('count(*) as n')).groupByRaw('1');
  const count = (s: ComplianceState) => Number(rows.find((r) => r.state === s)?.n ?? 0);
  return { expired: count('expired'), overdue: count('overdue'), dueSoon: count('due_soon'), expiringSoon: count('expiring_soon') };
}

/** A page by the date that matters, then course and person; `cursor` is [that date as ISO, course id, user id]. */
export async function complianceRows(db: Knex, f: ComplianceFilter, limit: number, cursor?: [string, number, number]): Promise<ComplianceRow[]> {
  const q = attention(db, f).select('e.course_id', 'e.user_id', 'c.title', 'c.code', 'e.due_at', 'e.expires_at', 'e.completed_at',
    db.raw(`${STATE} as state`, stateBindings(f)), db.raw(`${WHEN} as at`))
    .orderByRaw(`${WHEN}, e.course_id, e.user_id`).limit(limit + 1);
  if (cursor) q.whereRaw(`(${WHEN}, e.course_id, e.user_id) > (?, ?, ?)`, [new Date(cursor[0]), cursor[1], cursor[2]]);
  return q;
}
