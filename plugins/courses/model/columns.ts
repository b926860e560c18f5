// Columns for the list queries, with timestamps formatted by the database as the API shows them
// (ISO 8601, UTC, milliseconds): parsing dates into objects and formatting them again cost more than
// the rest of a catalog page. Strings in this format also compare in time order.
import type { Knex } from 'lectern';

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** `to_char(<column> at time zone 'UTC', …)`, as SQL text (column given as `alias.name`). */
const isoSql = (column: string) => `to_char(${column} at time zone 'UTC', ${ISO})`;

const COURSE = ['id', 'code', 'title', 'summary', 'category_id', 'status', 'is_template', 'template_id', 'self_enrollment', 'enrollment_key', 'recertify_after_days', 'required_items'];
const COURSE_TIMES = ['created_at', 'updated_at', 'published_at', 'archived_at'];

/** Every column of a course aliased `c`, timestamps as ISO text. */
export const courseColumns = (db: Knex) => [...COURSE.map((c) => `c.${c}`), ...COURSE_TIMES.map((c) => db.raw(`${isoSql(`c.${c}`)} as ${c}`))];

/** The same, as one JSON object column named `alias`. */
export const courseObject = (db: Knex, alias: string) =>
  db.raw(`json_build_object(${[...COURSE.map((c) => `'${c}', c.${c}`), ...COURSE_TIMES.map((c) => `'${c}', ${isoSql(`c.${c}`)}`)].join(', ')}) as ${alias}`);

const ENROLLMENT = ['id', 'course_id', 'user_id', 'role', 'source', 'cohort_id', 'status', 'cycle', 'required_done', 'items_done'];
const ENROLLMENT_TIMES = ['enrolled_at', 'due_at', 'completed_at', 'last_expires_at'];

/** The columns of an enrollment aliased `e` that its standing needs, timestamps as ISO text, and its course's required item count (`c`). */
export const standingColumns = (db: Knex) => [
  ...ENROLLMENT.map((c) => `e.${c}`), ...ENROLLMENT_TIMES.map((c) => db.raw(`${isoSql(`e.${c}`)} as ${c}`)), 'c.required_items',
];
