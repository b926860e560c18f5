// Running scheduled reports. Every minute `reporting.runDueSchedules` claims the schedules whose time has
// come: a run row unique per schedule and tick, the next run time and the delivery job are written in one
// transaction, so with any number of workers each tick is delivered once. `reporting.deliverReport`
// builds the CSV (as its creator may still see it) and mails it to each recipient as an attachment; a
// report that can no longer be made (its category was deleted, its course moved out of it) fails the run
// with the reason rather than retrying.
import { text } from 'node:stream/consumers';
import { CoreServices, csvStream, defineJob, HttpError, Type, type JobContext } from 'lectern';
import { reportPermissions } from './permissions';
import { completionCsv } from './routes/completion';
import { complianceCsv, complianceFilter } from './routes/compliance';
import { activityCsv } from './routes/activity';
import { contextOf, DEFAULT_ACTIVITY_DAYS, nextRun, RUNS, SCHEDULES, type ScheduleRow } from './model/schedules';
import { complianceCategories } from './model/compliance-scope';
import type { LearnerStatus } from './model/completion';
import type { CsvReport } from './model/report-csv';

const DAY_MS = 86_400_000;

export const deliverReport = defineJob({
  name: 'reporting.deliverReport',
  payload: Type.Object({ runId: Type.String({ pattern: '^[0-9]{1,18}$' }) }),
  attempts: 3,
  async handler({ runId }, job) {
    const run: { schedule_id: string | number; state: string } | undefined = await job.db(RUNS).where({ id: runId }).first('schedule_id', 'state');
    const schedule: ScheduleRow | undefined = run && await job.db(SCHEDULES).where({ id: run.schedule_id }).first();
    if (!run || !schedule || run.state !== 'queued') return { skipped: true };
    const creator = { id: String(schedule.created_by) };
    if (!(await job.can(creator, reportPermissions.view, contextOf(schedule.report, schedule.params)))) {
      await job.db(RUNS).where({ id: runId }).update({ state: 'failed', error: 'The schedule\'s creator may no longer see this report.', finished_at: job.now() });
      return { sent: 0 };
    }
    let csv: CsvReport;
    try {
      csv = await reportCsv(job, schedule);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      await job.db(RUNS).where({ id: runId }).update({ state: 'failed', error: `The report cannot be made: ${err.detail}`, finished_at: job.now() });
      return { sent: 0 };
    }
    let rows = 0;
    const content = await text(csvStream(csv.header, counted(csv.records, () => { rows += 1; })));
    const mailer = job.resolve(CoreServices.mail);
    for (const to of schedule.recipients) {
      await mailer.send({
        to, subject: `Report: ${csv.fileName}`, text: `The scheduled ${schedule.report} report is attached (${rows} rows).`,
        attachments: [{ filename: csv.fileName, content, contentType: 'text/csv' }],
      });
    }
    await job.db(RUNS).where({ id: runId }).update({ state: 'sent', rows, finished_at: job.now() });
    return { sent: schedule.recipients.length };
  },
});

async function* counted<T>(items: AsyncIterable<T>, each: () => void): AsyncGenerator<T> {
  for await (const item of items) {
    each();
    yield item;
  }
}

async function reportCsv(job: JobContext, s: ScheduleRow): Promise<CsvReport> {
  const now = job.now();
  if (s.report === 'course-completion') {
    return completionCsv(job, { courseId: s.params.courseId as string, cohortId: s.params.cohortId, status: s.params.status as LearnerStatus | undefined, now });
  }
  if (s.report === 'compliance') {
    const categoryIds = await complianceCategories(job, s.params, 'body.params');
    return complianceCsv(job, await complianceFilter(job, { ...s.params, categoryIds }));
  }
  const days = s.params.days ?? DEFAULT_ACTIVITY_DAYS;
  const to = new Date(now.getTime() - DAY_MS).toISOString().slice(0, 10);
  const from = new Date(now.getTime() - days * DAY_MS).toISOString().slice(0, 10);
  return activityCsv(job, { from, to, interval: 'day' });
}

export const runDueSchedules = defineJob({
  name: 'reporting.runDueSchedules',
  payload: Type.Object({}),
  schedule: { cron: '* * * * *', payload: {} },
  async handler(_payload, job) {
    const now = job.now();
    const due: ScheduleRow[] = await job.db(SCHEDULES).where({ paused: false }).where('next_run_at', '<=', now).orderBy('next_run_at').limit(100);
    let queued = 0;
    for (const s of due) {
      await job.transaction(async (tx) => {
        const [run]: { id: string | number }[] = await tx.db(RUNS).insert({ schedule_id: s.id, due_at: s.next_run_at }).onConflict(['schedule_id', 'due_at']).ignore().returning('id');
        await tx.db(SCHEDULES).where({ id: s.id }).where('next_run_at', s.next_run_at).update({ next_run_at: nextRun(s.cron, now) });
        if (run) {
          await tx.enqueue(deliverReport, { runId: String(run.id) });
          queued += 1;
        }
      });
    }
    return { queued };
  },
});
