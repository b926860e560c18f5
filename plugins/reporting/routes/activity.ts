// GET /api/v1/reports/activity (API.md "Reporting"): logins, enrollments, completions and content views
// per day or week over a date range (UTC), counted in SQL from the activity rows; reports:view at the
// system level. A reversed range, or one longer than the setting maxActivityDays, is a 400.
import { badRequest, csvAnswer, defineRoute, Type, type PluginContext } from 'lectern';
import { recordsOf, type CsvReport } from '../model/report-csv';
import { reportPermissions } from '../permissions';
import { reportSettings } from '../settings';
import { ActivityReport, Format } from '../schemas';

const DAY_MS = 86_400_000;
const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD (UTC)' });

type Period = { period: string; logins: number; enrollments: number; completions: number; views: number };
const HEADER = ['period', 'logins', 'enrollments', 'completions', 'views'] as const;

const SERIES = `
  select to_char(p.period at time zone 'UTC', 'YYYY-MM-DD') as period,
    count(a.id) filter (where a.kind = 'login')::int as logins, count(a.id) filter (where a.kind = 'enrollment')::int as enrollments,
    count(a.id) filter (where a.kind = 'completion')::int as completions, count(a.id) filter (where a.kind = 'view')::int as views
  from generate_series(?::timestamptz, ?::timestamptz, ?::interval) as p(period)
  left join reporting_activity a on a.at >= p.period and a.at < p.period + ?::interval
  group by p.period order by p.period`;

export interface ActivityRange { from: string; to: string; interval: 'day' | 'week' }

/** The series of a range: a 400 when it is reversed or longer than the setting allows. */
export async function activitySeries(ctx: Pick<PluginContext, 'readDb' | 'settings'>, r: ActivityRange): Promise<Period[]> {
  const start = new Date(`${r.from}T00:00:00Z`);
  const end = new Date(`${r.to}T00:00:00Z`);
  const { maxActivityDays } = await ctx.settings(reportSettings);
  if (end < start) throw badRequest('The range ends before it starts.', [{ path: 'query.to', message: 'must not be before query.from' }]);
  if ((end.getTime() - start.getTime()) / DAY_MS + 1 > maxActivityDays) {
    throw badRequest(`The range is longer than ${maxActivityDays} days (the reporting setting maxActivityDays).`, [{ path: 'query.to', message: `must be within ${maxActivityDays} days of query.from` }]);
  }
  // Weeks start on Monday (ISO), so the first one may begin before `from`.
  const first = r.interval === 'week' ? new Date(start.getTime() - ((start.getUTCDay() + 6) % 7) * DAY_MS) : start;
  const interval = r.interval === 'week' ? '1 week' : '1 day';
  const { rows } = await ctx.readDb.raw(SERIES, [first.toISOString(), end.toISOString(), interval, interval]) as { rows: Period[] };
  return rows;
}

export function activityCsv(ctx: Pick<PluginContext, 'readDb' | 'settings'>, r: ActivityRange): CsvReport {
  async function* batches() { yield await activitySeries(ctx, r); }
  return { fileName: `activity-${r.from}-${r.to}.csv`, header: HEADER, records: recordsOf(HEADER, batches()) };
}

export const activityRoute = defineRoute({
  method: 'GET', path: '/api/v1/reports/activity', permission: reportPermissions.view,
  query: Type.Object({
    from: DateOnly, to: DateOnly, interval: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week')], { default: 'day' })), format: Format,
  }),
  summary: 'Logins, enrollments, completions and content views per day or week (JSON, or CSV)',
  responses: { 200: { media: 'text/csv', json: ActivityReport } },
  async handler(req) {
    const range: ActivityRange = { from: req.query.from, to: req.query.to, interval: req.query.interval === 'week' ? 'week' : 'day' };
    if (req.query.format === 'csv') {
      // Read before answering, so a bad range is a 400 rather than a broken download.
      const series = await activitySeries(req, range);
      return csvAnswer(`activity-${range.from}-${range.to}.csv`, HEADER, recordsOf(HEADER, (async function* () { yield series; })()));
    }
    return { interval: range.interval, series: await activitySeries(req, range) };
  },
});
