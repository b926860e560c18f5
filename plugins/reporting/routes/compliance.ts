// GET /api/v1/reports/compliance (API.md "Reporting"): overdue, due soon, expired and expiring soon,
// across every course (reports:view at the system level), a category's courses with those of the
// categories beneath it (at that category) or one course (at that course), optionally for one cohort;
// the windows default to the settings. `?format=csv` streams every row.
import { badRequest, csvAnswer, defineRoute, keyset, Type, type SignedInRequest } from 'lectern';
import { pages, recordsOf, type CsvReport } from '../model/report-csv';
import { reportPermissions } from '../permissions';
import { reportSettings } from '../settings';
import { complianceRows, complianceSummary, type ComplianceFilter, type ComplianceRow, type ComplianceState } from '../model/compliance';
import { courseExists } from '../model/completion';
import { complianceCategories, complianceContext } from '../model/compliance-scope';
import { iso, withPeople, type WithPerson } from '../model/people';
import { ComplianceReport, ComplianceStateSchema, Format, IdString } from '../schemas';

const byWhen = keyset('string', 'int', 'int');
const DAY_MS = 86_400_000;
const Days = Type.Integer({ minimum: 1, maximum: 3_650 });

const toItem = (r: WithPerson<ComplianceRow>) => ({
  userId: String(r.user_id), name: r.person?.name ?? null, email: r.person?.email ?? null, courseId: String(r.course_id), courseTitle: r.title,
  courseCode: r.code, state: r.state, dueAt: iso(r.due_at), expiresAt: iso(r.expires_at), completedAt: iso(r.completed_at),
});
const keyOf = (r: ComplianceRow): [string, number, number] => [new Date(r.at).toISOString(), Number(r.course_id), Number(r.user_id)];

const HEADER = ['userId', 'name', 'email', 'courseId', 'courseTitle', 'courseCode', 'state', 'dueAt', 'expiresAt', 'completedAt'] as const;

/** Every row as CSV, by date; also what a scheduled delivery sends. */
export function complianceCsv(ctx: Pick<SignedInRequest, 'readDb' | 'resolve'>, f: ComplianceFilter): CsvReport {
  async function* items() {
    for await (const page of pages<ComplianceRow, [string, number, number]>((after, limit) => complianceRows(ctx.readDb, f, limit, after), keyOf)) {
      yield (await withPeople(ctx, page)).map(toItem);
    }
  }
  return { fileName: 'compliance.csv', header: HEADER, records: recordsOf(HEADER, items()) };
}

/** The windows of the compliance report: given, or the settings' defaults. `categoryIds` come from complianceCategories. */
export async function complianceFilter(ctx: Pick<SignedInRequest, 'settings' | 'now'>, q: {
  courseId?: string; categoryIds?: string[]; cohortId?: string; state?: string; dueWithinDays?: number; expiringWithinDays?: number;
}): Promise<ComplianceFilter> {
  const settings = await ctx.settings(reportSettings);
  const now = ctx.now();
  return {
    now, courseId: q.courseId, categoryIds: q.categoryIds, cohortId: q.cohortId, state: q.state as ComplianceState | undefined,
    dueSoon: new Date(now.getTime() + (q.dueWithinDays ?? settings.dueSoonDays) * DAY_MS),
    expiringSoon: new Date(now.getTime() + (q.expiringWithinDays ?? settings.expiringSoonDays) * DAY_MS),
  };
}

export const complianceRoute = defineRoute({
  method: 'GET', path: '/api/v1/reports/compliance', permission: reportPermissions.view,
  context: ({ query }) => complianceContext(query),
  query: Type.Object({
    courseId: Type.Optional(IdString), categoryId: Type.Optional(IdString), cohortId: Type.Optional(IdString), state: Type.Optional(ComplianceStateSchema),
    dueWithinDays: Type.Optional(Days), expiringWithinDays: Type.Optional(Days), format: Format, ...byWhen.query,
  }),
  summary: 'Overdue, due soon, expired and expiring soon: learner enrollments that need attention, in every course, a category (with those beneath it) or one course (JSON, or every row as CSV)',
  responses: { 200: { media: 'text/csv', json: ComplianceReport } },
  async handler(req) {
    const { courseId, limit, cursor } = req.query;
    if (cursor && Number.isNaN(Date.parse(cursor[0]))) throw badRequest('The cursor is not one of this report.', [{ path: 'query.cursor', message: 'is not a compliance cursor' }]);
    if (courseId) await courseExists(req.readDb, courseId);
    const f = await complianceFilter(req, { ...req.query, categoryIds: await complianceCategories(req, req.query, 'query') });
    if (req.query.format === 'csv') {
      const csv = complianceCsv(req, f);
      return csvAnswer(csv.fileName, csv.header, csv.records);
    }
    const [summary, rows] = await Promise.all([complianceSummary(req.readDb, f), complianceRows(req.readDb, f, limit, cursor)]);
    const page = byWhen.page(rows, limit, (r) => r, keyOf);
    return { summary, items: (await withPeople(req, page.items)).map(toItem), nextCursor: page.nextCursor };
  },
});
