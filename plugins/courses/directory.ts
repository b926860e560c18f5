// The CourseDirectory service other plugins resolve: courses by id, one person's enrollment state, one
// item, and where content is placed; for summaries kept elsewhere (reporting), a course's enrollments and
// every course id in pages, a person's transcript, and a category's subtree — read from the courses tables
// so that no other plugin needs to know them. Each call is one query.
import type { PluginContext } from 'lectern';
import type {
  ContentPlacement, CourseDirectory, CourseItem, CourseStatus, CourseSummary, EnrollmentRole, EnrollmentState, TranscriptEntry,
} from './api';
import { CONTENT_ID_PATTERN } from './model/content';
import { CourseAnswersRef } from './answers';

const ID = /^[1-9][0-9]{0,17}$/;
/** A page's position: after nothing (undefined), or after an id. */
const AFTER = /^(0|[1-9][0-9]{0,17})$/;
const validPage = (after: string | undefined, limit: number) => (after === undefined || AFTER.test(after)) && Number.isInteger(limit) && limit > 0;
const CONTENT_ID = new RegExp(CONTENT_ID_PATTERN);
const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

type ItemRow = { section_id: number; title: string; content_id: string; required: boolean; status: CourseStatus; is_template: boolean };
const ITEM_COLUMNS = ['i.section_id', 'i.title', 'i.content_id', 'i.required', 'c.status', 'c.is_template'];
const toItem = (courseId: string, itemId: string, row: ItemRow): CourseItem => ({
  courseId, itemId, sectionId: String(row.section_id), title: row.title, contentId: row.content_id, required: row.required,
  courseStatus: row.status, isTemplate: row.is_template,
});

type EnrollmentRow = {
  role: EnrollmentRole; enrollment_status: 'active' | 'unenrolled'; cycle: number; enrolled_at: Date; due_at: Date | null;
  required_done: number; required_items: number; completed_at: Date | null; expires_at: Date | null;
};
const ENROLLMENT_COLUMNS = [
  'e.role', 'e.status as enrollment_status', 'e.cycle', 'e.enrolled_at', 'e.due_at', 'e.required_done', 'c.required_items', 'e.completed_at', 'k.expires_at',
];
const toEnrollment = (courseId: string, userId: string, row: EnrollmentRow): EnrollmentState => ({
  courseId, userId, role: row.role, status: row.enrollment_status, cycle: row.cycle, enrolledAt: iso(row.enrolled_at) as string,
  dueAt: iso(row.due_at), requiredDone: row.required_done, requiredItems: row.required_items,
  completedAt: iso(row.completed_at), expiresAt: iso(row.expires_at),
});

type CourseRow = {
  id: number; title: string; code: string; status: CourseStatus; category_id: number | null; required_items: number; recertify_after_days: number | null;
};
const COURSE_COLUMNS = ['c.id', 'c.title', 'c.code', 'c.status', 'c.category_id', 'c.required_items', 'c.recertify_after_days'];
const toSummary = (r: CourseRow): CourseSummary => ({
  id: String(r.id), title: r.title, code: r.code, status: r.status, categoryId: r.category_id === null ? null : String(r.category_id),
  requiredItems: r.required_items, recertifyAfterDays: r.recertify_after_days,
});

/** Every completion of an enrollment, oldest cycle first, as one JSON column (times as JSON gives them). */
const HISTORY = `coalesce((select json_agg(json_build_object('cycle', h.cycle, 'completedAt', h.completed_at, 'expiresAt', h.expires_at,
  'expiredAt', h.expired_at) order by h.cycle) from courses_completions h where h.enrollment_id = e.id), '[]') as history`;
type History = { cycle: number; completedAt: string; expiresAt: string | null; expiredAt: string | null }[];

/** A category and every category beneath it, the category first (depth, then id). */
const SUBTREE = `with recursive sub(id, depth) as (
    select id, 0 from courses_categories where id = ?
    union all select k.id, sub.depth + 1 from courses_categories k join sub on k.parent_id = sub.id)
  select id from sub order by depth, id`;

/** An item with the person's enrollment in its course, in one round trip. */
async function readItemFor(ctx: PluginContext, courseId: string, itemId: string, userId: string) {
  const row: (ItemRow & EnrollmentRow & { enrolled: boolean }) | undefined = await ctx.db('courses_items as i')
    .join('courses_courses as c', 'c.id', 'i.course_id')
    .leftJoin('courses_enrollments as e', (j) => j.on('e.course_id', 'i.course_id').andOn('e.user_id', ctx.db.raw('?', [ID.test(userId) ? userId : '0'])))
    .leftJoin('courses_completions as k', (j) => j.on('k.enrollment_id', 'e.id').andOn('k.cycle', 'e.cycle'))
    .where({ 'i.id': itemId, 'i.course_id': courseId })
    .first([...ITEM_COLUMNS, ...ENROLLMENT_COLUMNS, ctx.db.raw('e.id is not null as enrolled')]);
  if (!row) return null;
  return { ...toItem(courseId, itemId, row), enrollment: row.enrolled ? toEnrollment(courseId, userId, row) : null };
}

export function createCourseDirectory(ctx: PluginContext): CourseDirectory {
  return {
    async coursesById(ids) {
      const wanted = [...new Set(ids)].filter((id) => ID.test(id));
      if (!wanted.length) return new Map();
      const rows: CourseRow[] = await ctx.db('courses_courses as c').whereIn('c.id', wanted).select(COURSE_COLUMNS);
      return new Map(rows.map((r) => [String(r.id), toSummary(r)]));
    },
    async enrollment(courseId, userId): Promise<EnrollmentState | null> {
      if (!ID.test(courseId) || !ID.test(userId)) return null;
      const row: EnrollmentRow | undefined = await ctx.db('courses_enrollments as e').join('courses_courses as c', 'c.id', 'e.course_id')
        .leftJoin('courses_completions as k', (j) => j.on('k.enrollment_id', 'e.id').andOn('k.cycle', 'e.cycle'))
        .where({ 'e.course_id': courseId, 'e.user_id': userId })
        .first(ENROLLMENT_COLUMNS);
      return row ? toEnrollment(courseId, userId, row) : null;
    },
    async item(courseId, itemId): Promise<CourseItem | null> {
      if (!ID.test(courseId) || !ID.test(itemId)) return null;
      const row: ItemRow | undefined = await ctx.db('courses_items as i').join('courses_courses as c', 'c.id', 'i.course_id')
        .where({ 'i.id': itemId, 'i.course_id': courseId }).first(ITEM_COLUMNS);
      return row ? toItem(courseId, itemId, row) : null;
    },
    itemFor(courseId, itemId, userId) {
      if (!ID.test(courseId) || !ID.test(itemId)) return Promise.resolve(null);
      // Item views are the hottest read of a course: kept with the person's other answers (answers.ts),
      // which any change to the course's items or to their enrollment drops.
      return ctx.resolve(CourseAnswersRef).learners.get(userId, `item:${courseId}:${itemId}`, () => readItemFor(ctx, courseId, itemId, userId));
    },
    async placements(contentIds): Promise<ContentPlacement[]> {
      const wanted = [...new Set(contentIds)].filter((id) => CONTENT_ID.test(id));
      if (!wanted.length) return [];
      const rows: { content_id: string; course_id: number; item_id: number; title: string; code: string; status: CourseStatus }[] =
        await ctx.db('courses_items as i').join('courses_courses as c', 'c.id', 'i.course_id')
          .whereIn('i.content_id', wanted).where('c.is_template', false)
          .orderBy([{ column: 'c.title' }, { column: 'c.id' }, { column: 'i.id' }])
          .select('i.content_id', 'i.course_id', 'i.id as item_id', 'c.title', 'c.code', 'c.status');
      return rows.map((r) => ({
        contentId: r.content_id, courseId: String(r.course_id), itemId: String(r.item_id), courseTitle: r.title, courseCode: r.code, courseStatus: r.status,
      }));
    },
    async enrollments(courseId, { afterUserId, limit }): Promise<EnrollmentState[]> {
      if (!ID.test(courseId) || !validPage(afterUserId, limit)) return [];
      const rows: (EnrollmentRow & { user_id: number })[] = await ctx.db('courses_enrollments as e').join('courses_courses as c', 'c.id', 'e.course_id')
        .leftJoin('courses_completions as k', (j) => j.on('k.enrollment_id', 'e.id').andOn('k.cycle', 'e.cycle'))
        .where('e.course_id', courseId).where('e.user_id', '>', afterUserId ?? '0')
        .orderBy('e.user_id').limit(limit).select(['e.user_id', ...ENROLLMENT_COLUMNS]);
      return rows.map((r) => toEnrollment(courseId, String(r.user_id), r));
    },
    async courseIds({ afterId, limit }): Promise<string[]> {
      if (!validPage(afterId, limit)) return [];
      const rows: { id: number }[] = await ctx.db('courses_courses').where('is_template', false).where('id', '>', afterId ?? '0')
        .orderBy('id').limit(limit).select('id');
      return rows.map((r) => String(r.id));
    },
    async transcript(userId): Promise<TranscriptEntry[]> {
      if (!ID.test(userId)) return [];
      const rows: (EnrollmentRow & CourseRow & { history: History })[] = await ctx.db('courses_enrollments as e')
        .join('courses_courses as c', 'c.id', 'e.course_id')
        .leftJoin('courses_completions as k', (j) => j.on('k.enrollment_id', 'e.id').andOn('k.cycle', 'e.cycle'))
        .where('e.user_id', userId).orderBy('e.id')
        .select([...new Set([...COURSE_COLUMNS, ...ENROLLMENT_COLUMNS]), ctx.db.raw(HISTORY)]);
      return rows.map((r) => ({
        course: toSummary(r),
        enrollment: toEnrollment(String(r.id), userId, r),
        completions: r.history.map((h) => ({
          cycle: h.cycle, completedAt: iso(h.completedAt) as string, expiresAt: iso(h.expiresAt), expiredAt: iso(h.expiredAt),
        })),
      }));
    },
    async categoryWithDescendants(categoryId): Promise<string[] | null> {
      if (!ID.test(categoryId)) return null;
      const { rows } = await ctx.db.raw(SUBTREE, [categoryId]) as { rows: { id: string | number }[] };
      return rows.length ? rows.map((r) => String(r.id)) : null;
    },
    async categories(limit) {
      const rows: { id: number; name: string; parent_id: number | null }[] = await ctx.db('courses_categories')
        .orderByRaw('lower(name), id').limit(limit).select('id', 'name', 'parent_id');
      return rows.map((r) => ({ id: String(r.id), name: r.name, parentId: r.parent_id === null ? null : String(r.parent_id) }));
    },
  };
}
