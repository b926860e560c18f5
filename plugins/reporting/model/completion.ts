// The course completion report (API.md "Reporting"): a course's learners (active learner enrollments;
// instructors are not counted) with progress, due date and status, and the summary of those statuses —
// aggregates in SQL over the summary table, filtered by cohort and status, sorted and keyset-paged.
// A status is, in order: completed (this cycle), overdue (due date passed), in_progress (a required
// item done), not_started. Due and completion dates may be empty: an empty date sorts after every date
// (last in ascending order, first in descending), PostgreSQL's own order, so descending is exactly
// ascending reversed; ties, empty dates among them, go by user id in the same direction.
import { badRequest, notFound, type Knex } from 'lectern';
import { COURSES, ENROLLMENTS } from './summary';

export type LearnerStatus = 'not_started' | 'in_progress' | 'completed' | 'overdue';
export const COMPLETION_SORTS = ['userId', 'progress', 'enrolledAt', 'dueAt', 'completedAt'] as const;
export type CompletionSort = typeof COMPLETION_SORTS[number];
/** A page's cursor: the sort it belongs to, the last row's value of that sort as text ('' for an empty date), its user id. */
export type CompletionCursor = [string, string, number];

export interface CompletionFilter { courseId: string; cohortId?: string; status?: LearnerStatus; now: Date }

/** The status of a row; its one binding is "now". */
const STATUS = `case when e.completed_at is not null then 'completed' when e.due_at < ? then 'overdue'
  when e.required_done > 0 then 'in_progress' else 'not_started' end`;
const PROGRESS = `case when e.completed_at is not null then 100 when c.required_items = 0 then 0
  else least(100, (100 * e.required_done) / c.required_items) end`;

export interface CompletionRow {
  user_id: string; enrolled_at: Date; due_at: Date | null; completed_at: Date | null; progress: number; status: LearnerStatus;
}

/** The learners of the filter, as a query with `progress` and `status` columns. */
function learners(db: Knex, f: CompletionFilter): Knex.QueryBuilder {
  const q = db(`${ENROLLMENTS} as e`).join(`${COURSES} as c`, 'c.course_id', 'e.course_id')
    .where({ 'e.course_id': f.courseId, 'e.role': 'learner', 'e.status': 'active' });
  if (f.cohortId) q.whereExists(db('reporting_cohort_members as m').whereRaw('m.user_id = e.user_id').where('m.cohort_id', f.cohortId).select(db.raw('1')));
  if (f.status) q.whereRaw(`(${STATUS}) = ?`, [f.now, f.status]);
  return q;
}

export async function courseExists(db: Knex, courseId: string): Promise<void> {
  if (!(await db(COURSES).where({ course_id: courseId }).first('course_id'))) throw notFound(`course ${courseId} does not exist`);
}

export interface CompletionSummary { enrolled: number; completed: number; inProgress: number; notStarted: number; overdue: number; completionRate: number }

/**
 * The summary, and how long time alone leaves every status as read: a learner turns overdue only when
 * the clock passes their due date, so while "now" stays after the latest due date passed (`after`) and
 * not after the next one (`until`), no status changes. Null bounds are open.
 */
export interface SummaryRead { summary: CompletionSummary; stable: { after: Date | null; until: Date | null } }

/** The summary of the filter's learners; null when the summary knows no such course. */
export async function completionSummary(db: Knex, f: CompletionFilter): Promise<SummaryRead | null> {
  const now = f.now;
  const row: Record<string, string | number | Date | null> = await learners(db, { ...f, status: undefined }).first(
    db.raw(`(select 1 from ${COURSES} where course_id = ?) as known`, [f.courseId]),
    db.raw('max(e.due_at) filter (where e.completed_at is null and e.due_at < ?) as stable_after', [now]),
    db.raw('min(e.due_at) filter (where e.completed_at is null and e.due_at >= ?) as stable_until', [now]),
    db.raw('count(*) as enrolled'),
    db.raw('count(*) filter (where e.completed_at is not null) as completed'),
    db.raw('count(*) filter (where e.completed_at is null and e.due_at < ?) as overdue', [now]),
    db.raw('count(*) filter (where e.completed_at is null and (e.due_at is null or e.due_at >= ?) and e.required_done > 0) as in_progress', [now]),
    db.raw('count(*) filter (where e.completed_at is null and (e.due_at is null or e.due_at >= ?) and e.required_done = 0) as not_started', [now]),
  );
  if (row.known === null) return null;
  const enrolled = Number(row.enrolled);
  const completed = Number(row.completed);
  const summary = {
    enrolled, completed, inProgress: Number(row.in_progress), notStarted: Number(row.not_started), overdue: Number(row.overdue),
    completionRate: enrolled ? Math.round((completed / enrolled) * 1000) / 10 : 0,
  };
  const at = (d: unknown) => (d === null ? null : new Date(d as string | Date));
  return { summary, stable: { after: at(row.stable_after), until: at(row.stable_until) } };
}

/** How each sort orders rows: its SQL, whether it may be null, and the kind of value a cursor holds. */
const SORTS: Record<CompletionSort, { sql: string; nullable: boolean; kind: 'int' | 'time' }> = {
  userId: { sql: 'e.user_id', nullable: false, kind: 'int' },
  progress: { sql: `(${PROGRESS})`, nullable: false, kind: 'int' },
  enrolledAt: { sql: 'e.enrolled_at', nullable: false, kind: 'time' },
  dueAt: { sql: 'e.due_at', nullable: true, kind: 'time' },
  completedAt: { sql: 'e.completed_at', nullable: true, kind: 'time' },
};

const timeText = (d: Date | null) => (d === null ? '' : new Date(d).toISOString());

/** A row's cursor under `sort`. */
export function sortKeyOf(sort: CompletionSort, r: CompletionRow): CompletionCursor {
  const value = { userId: String(r.user_id), progress: String(r.progress), enrolledAt: timeText(r.enrolled_at), dueAt: timeText(r.due_at), completedAt: timeText(r.completed_at) }[sort];
  return [sort, value, Number(r.user_id)];
}

const INT = /^(0|[1-9][0-9]{0,17})$/;
const ISO = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$/;

/** Where a cursor points: the sort value (null for an empty date) and user id; a 400 when it is not a cursor of `sort`. */
export function positionOf(sort: CompletionSort, cursor: CompletionCursor): { value: number | Date | null; userId: number } {
  const [of, text, userId] = cursor;
  const key = SORTS[sort];
  const refuse = (why: string) => badRequest(`The cursor does not belong to sort=${sort}: ${why}. Start again without a cursor.`, [{ path: 'query.cursor', message: `is not a cursor of sort=${sort}` }]);
  if (of !== sort) throw refuse('it was made for another sort');
  if (text === '' && key.nullable) return { value: null, userId };
  if (key.kind === 'int' && INT.test(text)) return { value: Number(text), userId };
  if (key.kind === 'time' && ISO.test(text) && !Number.isNaN(Date.parse(text))) return { value: new Date(text), userId };
  throw refuse('its position is malformed');
}

/** One page of rows, `limit` after the keyset `cursor` of `sort`. */
export async function completionRows(db: Knex, f: CompletionFilter, page: { sort: CompletionSort; desc: boolean; limit: number; cursor?: CompletionCursor }): Promise<CompletionRow[]> {
  const key = SORTS[page.sort];
  const dir = page.desc ? 'desc' : 'asc';
  const q = learners(db, f).select(
    'e.user_id', 'e.enrolled_at', 'e.due_at', 'e.completed_at',
    db.raw(`${PROGRESS} as progress`), db.raw(`${STATUS} as status`, [f.now]),
  ).orderByRaw(`${key.sql} ${dir} nulls ${page.desc ? 'first' : 'last'}, e.user_id ${dir}`).limit(page.limit + 1);
  if (page.cursor) {
    const { value, userId } = positionOf(page.sort, page.cursor);
    // Ascending: after (value, user) come the larger keys, then the empty ones; after an empty one, only
    // empty ones of later users. Descending mirrors it: empty ones of earlier users, then every date.
    if (value === null) q.whereRaw(page.desc ? `(${key.sql} is not null or e.user_id < ?)` : `(${key.sql} is null and e.user_id > ?)`, [userId]);
    else if (page.desc) q.whereRaw(`(${key.sql}, e.user_id) < (?, ?)`, [value, userId]);
    else q.whereRaw(`((${key.sql}, e.user_id) > (?, ?)${key.nullable ? ` or ${key.sql} is null` : ''})`, [value, userId]);
  }
  return q;
}

export type CompletionPageOptions = Parameters<typeof completionRows>[2];
export type CompletionPage = SummaryRead & { rows: CompletionRow[] };

/** The summary and one page of rows, read side by side; null when the summary knows no such course. */
export async function completionPage(db: Knex, f: CompletionFilter, page: CompletionPageOptions): Promise<CompletionPage | null> {
  const [read, rows] = await Promise.all([completionSummary(db, f), completionRows(db, f, page)]);
  return read && { ...read, rows };
}
