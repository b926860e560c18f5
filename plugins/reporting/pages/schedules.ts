// The scheduled reports page (/admin/reports/schedules, reports:schedule, as the API): every schedule with
// its parameters in words, cron, next run, recipients, state and last run, a page at a time; and the
// "Schedule a report" form, which runs the same action as POST /api/v1/reports/schedules and opens the
// new schedule's page. A mistake shows the form again with the message beside its field.
import { defineAdminPage, defineRoute, Done, doneNotice, pagerLinks, reply, submitForm, Type, type FormState, type SignedInRequest } from 'lectern';
import { AuthDirectory } from 'lectern/auth';
import { CourseDirectoryRef } from 'lectern/courses';
import { byIdAsc } from '../cursors';
import { reportPermissions } from '../permissions';
import { reportSettings } from '../settings';
import { COURSES } from '../model/summary';
import { iso } from '../model/people';
import { latestRuns, SCHEDULES, type ScheduleRow } from '../model/schedules';
import { createSchedule } from '../actions/schedules';
import { COMPLIANCE_STATES, labelOf, LEARNER_STATUSES, REPORTS, RUN_STATES } from './labels';
import { describeSchedules } from './schedule-words';
import { newSchedule, RECIPIENTS_TEXT, ScheduleForm } from './schedule-form';

export const SCHEDULES_PATH = '/admin/reports/schedules';
const VIEW = 'reporting/admin/schedules';
const PAGE_SIZE = 50;
/** Courses and cohorts the form's selects offer, by name. */
const CHOICES = 500;
/** The action's errors name the API's fields (`params.courseId`); the form's fields are flat. */
const FIELD_NAMES = { 'params.courseId': 'courseId', 'params.categoryId': 'categoryId', 'params.cohortId': 'cohortId', 'params.status': 'status', 'params.state': 'state', 'params.days': 'days' };
const NOTICES = { deleted: 'The schedule and its run history are deleted.' };

/** The selects' choices: every course the reports know, the categories, the cohorts the caller may find. */
async function formChoices(req: SignedInRequest) {
  const [courses, categories, cohorts, { maxRecipients }] = await Promise.all([
    req.db(COURSES).orderBy('title').orderBy('course_id').limit(CHOICES).select('course_id', 'title', 'code') as Promise<{ course_id: string | number; title: string; code: string }[]>,
    req.resolve(CourseDirectoryRef).categories(CHOICES),
    req.resolve(AuthDirectory).visibleCohortsByName(req.principal, CHOICES),
    req.settings(reportSettings),
  ]);
  const group = (options: { value: string; label: string }[]) => [{ label: null, options }];
  return {
    reportGroups: group(REPORTS),
    courseGroups: group(courses.map((c) => ({ value: String(c.course_id), label: `${c.title} (${c.code})` }))),
    categoryGroups: group(categories.map((c) => ({ value: c.id, label: c.name }))),
    cohortGroups: group(cohorts.map((c) => ({ value: c.id, label: c.name }))),
    statusGroups: group(LEARNER_STATUSES),
    stateGroups: group(COMPLIANCE_STATES),
    maxRecipients, recipientsMaxLength: RECIPIENTS_TEXT,
  };
}

async function schedulesPage(req: SignedInRequest, cursor: [number] | undefined, forms: Record<string, FormState> = {}): Promise<Record<string, unknown>> {
  const q = req.db(SCHEDULES).orderBy('id').limit(PAGE_SIZE + 1);
  if (cursor) q.where('id', '>', cursor[0]);
  const page = byIdAsc.page(await q as ScheduleRow[], PAGE_SIZE, (r) => r, (r) => [Number(r.id)]);
  const [schedules, runs, choices] = await Promise.all([
    describeSchedules(req, page.items), latestRuns(req.db, page.items.map((r) => String(r.id))), formChoices(req),
  ]);
  return {
    title: 'Scheduled reports', ...choices,
    schedules: schedules.map((s) => {
      const run = runs.get(s.id);
      return { ...s, lastRun: run && { state: run.state, stateLabel: labelOf(RUN_STATES, run.state), dueAt: iso(run.due_at) } };
    }),
    pager: pagerLinks(SCHEDULES_PATH, {}, page.nextCursor, cursor !== undefined),
    forms: { create: forms.create ?? { values: {} } },
  };
}

export const schedulesAdminPage = defineAdminPage({
  path: SCHEDULES_PATH, title: 'Scheduled reports', permission: reportPermissions.schedule, view: VIEW,
  query: Type.Object({ cursor: byIdAsc.cursor, done: Done }),
  load: async (req) => ({ ...(await schedulesPage(req, req.query.cursor)), notice: doneNotice(NOTICES, req.query.done) }),
});

export const createScheduleRoute = defineRoute({
  method: 'POST', path: SCHEDULES_PATH, permission: reportPermissions.schedule, html: true, body: ScheduleForm, summary: 'Schedule a report (form)',
  async handler(req) {
    const page = { view: VIEW, form: 'create', values: req.body, fieldNames: FIELD_NAMES, load: (sent: Record<string, FormState>) => schedulesPage(req, undefined, sent) };
    return submitForm(req, page, async () => {
      const row = await createSchedule(req, newSchedule(req.body));
      return reply.redirect(`${SCHEDULES_PATH}/${row.id}?done=created`);
    });
  },
});
