// GET /api/v1/reports/course-completion (API.md "Reporting"): a course's learners with their progress
// and status, and the summary; checked at the course, so an instructor sees only their own courses and
// a reporter role granted at a category covers its courses. `?format=csv` streams every row.
import { csvAnswer, defineRoute, notFound, Type, type SignedInRequest } from 'lectern';
import { pages, recordsOf, type CsvReport } from '../model/report-csv';
import { reportPermissions } from '../permissions';
import { byLearnerSort } from '../cursors';
import { CompletionAnswersRef } from '../answers';
import {
  COMPLETION_SORTS, completionRows, courseExists, positionOf, sortKeyOf,
  type CompletionCursor, type CompletionFilter, type CompletionRow, type CompletionSort, type LearnerStatus,
} from '../model/completion';
import { CompletionReport, Format, IdString, LearnerStatusSchema } from '../schemas';
import { iso, withPeople, type WithPerson } from '../model/people';

const toItem = (r: WithPerson<CompletionRow>) => ({
  userId: String(r.user_id), name: r.person?.name ?? null, email: r.person?.email ?? null, enrolledAt: iso(r.enrolled_at) as string,
  progressPct: Number(r.progress), completedAt: iso(r.completed_at), dueAt: iso(r.due_at), status: r.status,
});
const HEADER = ['userId', 'name', 'email', 'enrolledAt', 'progressPct', 'completedAt', 'dueAt', 'status'] as const;

/** Every row of the report as CSV, in the requested order; also what a scheduled delivery sends. */
export function completionCsv(ctx: Pick<SignedInRequest, 'readDb' | 'resolve'>, f: CompletionFilter, sort: CompletionSort = 'userId', desc = false): CsvReport {
  async function* items() {
    for await (const page of pages<CompletionRow, CompletionCursor>((cursor, limit) => completionRows(ctx.readDb, f, { sort, desc, limit, cursor }), (r) => sortKeyOf(sort, r))) {
      yield (await withPeople(ctx, page)).map(toItem);
    }
  }
  return { fileName: `course-${f.courseId}-completion.csv`, header: HEADER, records: recordsOf(HEADER, items()) };
}

export const completionRoute = defineRoute({
  method: 'GET', path: '/api/v1/reports/course-completion', permission: reportPermissions.view,
  context: ({ query }) => ({ type: 'course', id: query.courseId }),
  query: Type.Object({
    courseId: IdString, cohortId: Type.Optional(IdString), status: Type.Optional(LearnerStatusSchema),
    sort: Type.Optional(Type.Union(COMPLETION_SORTS.map((s) => Type.Literal(s)), {
      default: 'userId', description: 'Ties go by user id. An empty dueAt or completedAt sorts after every date: last in ascending order, first in descending.',
    })),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' })),
    format: Format, ...byLearnerSort.query,
  }),
  summary: "A course's learners with progress, due date and status, and the summary (JSON, or every row as CSV)",
  responses: { 200: { media: 'text/csv', json: CompletionReport } },
  async handler(req) {
    const { courseId, cohortId, status, limit, cursor } = req.query;
    const sort = (req.query.sort ?? 'userId') as CompletionSort;
    const desc = req.query.order === 'desc';
    // A cursor of another sort is a 400 before anything is read.
    if (cursor) positionOf(sort, cursor);
    const f: CompletionFilter = { courseId, cohortId, status: status as LearnerStatus | undefined, now: req.now() };
    if (req.query.format === 'csv') {
      await courseExists(req.readDb, courseId);
      const csv = completionCsv(req, f, sort, desc);
      return csvAnswer(csv.fileName, csv.header, csv.records);
    }
    const read = await req.resolve(CompletionAnswersRef).page(req.readDb, f, { sort, desc, limit, cursor });
    if (!read) throw notFound(`course ${courseId} does not exist`);
    const page = byLearnerSort.page(read.rows, limit, (r) => r, (r) => sortKeyOf(sort, r));
    return { summary: read.summary, items: (await withPeople(req, page.items)).map(toItem), nextCursor: page.nextCursor };
  },
});
