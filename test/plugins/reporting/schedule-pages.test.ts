// The scheduled reports pages through a real app and browser credentials (session cookie + _csrf field):
// a report scheduled with the form (its mistakes shown beside their fields, nothing saved), listed, paused
// (nothing runs), resumed and run by the clock, its run in the history, the history paged newest first,
// deleted only after the confirmation page; and a reports viewer who may not schedule refused everywhere.
import { expect } from 'chai';
import type { TestApp } from 'lectern';
import { runDueSchedules } from '../../../plugins/reporting/deliveries';
import { account, login, outbox, browser } from '../auth/helpers';
import { ok, reportingWorld, type ReportingWorld } from './helpers';

interface Session { id: string; email: string; cookie: string; csrf: string }

const LIST = '/admin/reports/schedules';
const emptyForm = { report: '', courseId: '', cohortId: '', status: '', state: '', days: '', cron: '', recipients: '' };

describe('reporting: the scheduled reports pages', function () {
  this.timeout(90_000);
  let w: ReportingWorld;
  let t: TestApp;
  let admin: Session;
  let viewer: Session;
  let course: { id: string; items: string[] };
  /** The schedule the form creates, followed from test to test. */
  let scheduleId: string;

  const signedIn = async (email: string, roles: string[]): Promise<Session> => {
    const made = await account(t, email, roles);
    return { id: made.id, email, ...(await login(t, email)) };
  };
  const get = (s: Session, url: string) => browser(t).get(s, url);
  const post = (s: Session, url: string, body: Record<string, string> = {}) => browser(t).post(s, url, body);
  const schedules = async () => Number((await t.db('reporting_schedules').count({ n: '*' }).first() as { n: string | number }).n);
  const invalid = (html: string, id: string) => new RegExp(`<(input|select|textarea) id="${id}"[^>]*aria-invalid="true"`).test(html);
  /** Runs the due schedules at `iso` and their deliveries; the sessions, idle since the clock moved on, sign in again. */
  const runAt = async (iso: string) => {
    w.clock.set(iso);
    await t.app.contextOf('reporting').enqueue(runDueSchedules, {});
    await t.jobs.drain();
    for (const s of [admin, viewer]) Object.assign(s, await login(t, s.email));
  };

  before(async () => {
    w = await reportingWorld();
    t = w.t;
    course = await w.courseOf('SCH-1', { items: 1 });
    const [done, open] = [await t.persona('Dana Done'), await t.persona('Otto Open')];
    for (const p of [done, open]) await ok(w.admin.post(`/api/v1/courses/${course.id}/enrollments`).send({ userId: p.id }), 201);
    await ok(done.post(`/api/v1/courses/${course.id}/items/${course.items[0]}/complete`).send({}), 201);
    await ok(w.admin.post('/api/v1/roles').send({ key: 'report-viewer', name: 'Report viewer', permissions: ['reports:view'] }), 201);
    admin = await signedIn('scheduler@example.test', ['admin']);
    viewer = await signedIn('viewer@example.test', ['report-viewer']);
    await t.jobs.drain();
  });
  after(() => t?.close());

  it('labels every field of the form, and shows each mistake beside its field (aria-invalid), keeping what was typed and saving nothing', async () => {
    const page = await get(admin, LIST);
    const fields = [...page.text.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g)].map((m) => m[1]);
    const unlabelled = fields.filter((id) => !page.text.includes(`<label for="${id}">`));
    const before = await schedules();
    const badCron = await post(admin, LIST, { ...emptyForm, report: 'compliance', cron: 'every monday at six', recipients: 'ops@example.com' });
    const several = await post(admin, LIST, { ...emptyForm, report: 'compliance', days: '30', cron: '0 6 * * 1', recipients: 'ops@example.com, not-an-email' });
    const noReport = await post(admin, LIST, { ...emptyForm, cron: '0 6 * * 1', recipients: '' });
    const noCourse = await post(admin, LIST, { ...emptyForm, report: 'course-completion', cron: '0 6 * * 1', recipients: 'ops@example.com' });
    expect({
      page: [page.status, fields.length, unlabelled, page.text.includes(`<option value="${course.id}">Course SCH-1 (SCH-1)</option>`)],
      badCron: [badCron.status, invalid(badCron.text, 'create-cron'), badCron.text.includes('Cron expression is not a cron expression'),
        badCron.text.includes('value="every monday at six"'), invalid(badCron.text, 'create-recipients')],
      several: [several.status, invalid(several.text, 'create-days'), several.text.includes('Days covered is not used by the compliance report'),
        invalid(several.text, 'create-recipients'), several.text.includes('an entry that is not an email address: not-an-email'), invalid(several.text, 'create-cron')],
      noReport: [noReport.status, invalid(noReport.text, 'create-report'), invalid(noReport.text, 'create-recipients')],
      noCourse: [noCourse.status, invalid(noCourse.text, 'create-course'), noCourse.text.includes('Course is required for course-completion')],
      saved: await schedules() - before,
    }).to.deep.equal({
      page: [200, 9, [], true],
      badCron: [400, true, true, true, false],
      several: [400, true, true, true, true, false],
      noReport: [400, true, true],
      noCourse: [400, true, true],
      saved: 0,
    });
  });

  it('schedules a report with the form and lists it with its parameters in words, cron, next run, recipients and state', async () => {
    const created = await post(admin, LIST, {
      ...emptyForm, report: 'course-completion', courseId: course.id, status: 'completed', cron: '0 6 * * *',
      recipients: 'ops@example.com\nlead@example.com, ops@example.com',
    });
    scheduleId = /^\/admin\/reports\/schedules\/([0-9]+)\?done=created$/.exec(created.location)?.[1] as string;
    expect([created.status, scheduleId], created.text.slice(0, 2000)).to.deep.equal([303, scheduleId]);
    const detail = await get(admin, created.location);
    const list = await get(admin, LIST);
    const row = new RegExp(`<tr> <td><a href="/admin/reports/schedules/${scheduleId}">Course completion</a></td>.*?</tr>`).exec(list.text)?.[0] ?? '';
    const api = await ok<{ params: Record<string, string>; recipients: string[]; nextRunAt: string }>(w.admin.get(`/api/v1/reports/schedules/${scheduleId}`));
    expect({
      detail: [detail.status, detail.text.includes('The report is scheduled.'), detail.text.includes('It has not run yet.')],
      row: [
        row.includes('<td>Course SCH-1 (Course SCH-1); every cohort; learners completed</td>'), row.includes('<code>0 6 * * *</code>'),
        row.includes('2 Mar 2030, 06:00 UTC'), row.includes('<li>ops@example.com</li><li>lead@example.com</li>'), row.includes('Active'), row.includes('Not run yet'),
      ],
      api,
    }).to.deep.equal({
      detail: [200, true, true],
      row: [true, true, true, true, true, true],
      api: { ...api, params: { courseId: course.id, status: 'completed' }, recipients: ['ops@example.com', 'lead@example.com'], nextRunAt: '2030-03-02T06:00:00.000Z' },
    });
  });

  it('pauses it so nothing runs; resumed, it runs at the next tick and its run shows in the history and the list', async () => {
    const detail = `${LIST}/${scheduleId}`;
    const paused = await post(admin, `${detail}/pause`);
    const pausedPage = await get(admin, paused.location);
    await runAt('2030-03-02T06:00:30.000Z');
    const whilePaused = await t.db('reporting_runs').where({ schedule_id: scheduleId }).count({ n: '*' }).first() as { n: string | number };
    const resumed = await post(admin, `${detail}/resume`);
    await runAt('2030-03-03T06:00:30.000Z');
    const history = await get(admin, detail);
    const list = await get(admin, LIST);
    const mails = outbox(t).filter((m) => m.subject.startsWith('Report: course-'));
    expect({
      paused: [paused.status, paused.location, pausedPage.text.includes('Paused: it sends nothing'), pausedPage.text.includes(`action="${detail}/resume"`)],
      whilePaused: Number(whilePaused.n),
      resumed: [resumed.status, resumed.location],
      history: [
        history.text.includes('<td>3 Mar 2030, 06:00 UTC</td> <td><span class="badge badge--done">Sent</span></td> <td>1</td>'),
        history.text.includes(`action="${detail}/pause"`),
      ],
      list: list.text.includes('<span class="badge">Sent</span> 3 Mar 2030, 06:00 UTC'),
      mails: mails.map((m) => m.to).sort(),
    }).to.deep.equal({
      paused: [303, `${detail}?done=paused`, true, true],
      whilePaused: 0,
      resumed: [303, `${detail}?done=resumed`],
      history: [true, true],
      list: true,
      mails: ['lead@example.com', 'ops@example.com'],
    });
  });

  it('pages through a long run history, newest first', async () => {
    const other = await ok<{ id: string }>(w.admin.post('/api/v1/reports/schedules').send({ report: 'activity', cron: '0 7 * * *', recipients: ['a@example.com'] }), 201);
    const due = (day: number) => new Date(Date.UTC(2030, 0, day, 7)).toISOString();
    await t.db('reporting_runs').insert(Array.from({ length: 25 }, (_, i) => ({ schedule_id: other.id, due_at: due(i + 1), state: 'sent', rows: i, finished_at: due(i + 1) })));
    const first = await get(admin, `${LIST}/${other.id}`);
    const next = /<a href="([^"]+)" rel="next">Next page<\/a>/.exec(first.text)?.[1]?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&') ?? '';
    const second = await get(admin, next);
    const days = (html: string) => [...html.matchAll(/<td>(\d+) Jan 2030, 07:00 UTC<\/td> <td><span/g)].map((m) => Number(m[1]));
    expect({
      first: days(first.text), second: days(second.text), firstLink: second.text.includes(`<a href="${LIST}/${other.id}">First page</a>`),
      words: first.text.includes('The 7 days before each run (the default)'),
    }).to.deep.equal({
      first: Array.from({ length: 20 }, (_, i) => 25 - i), second: [5, 4, 3, 2, 1], firstLink: true, words: true,
    });
  });

  it('deletes a schedule only from its confirmation page, with its run history', async () => {
    const detail = `${LIST}/${scheduleId}`;
    const page = await get(admin, detail);
    const confirm = await get(admin, `${detail}/delete`);
    const deleted = await post(admin, `${detail}/delete`);
    const list = await get(admin, deleted.location);
    expect({
      link: page.text.includes(`<a class="button button--danger" href="${detail}/delete">Delete…</a>`),
      noDirectForm: page.text.includes(`action="${detail}/delete"`),
      confirm: [confirm.status, confirm.text.includes('Delete this scheduled report?'), confirm.text.includes('run history (1 run)'), confirm.text.includes(`action="${detail}/delete"`)],
      deleted: [deleted.status, deleted.location],
      list: [list.text.includes('The schedule and its run history are deleted.'), list.text.includes(`href="${detail}"`)],
      left: [
        await t.db('reporting_schedules').where({ id: scheduleId }).first(), await t.db('reporting_runs').where({ schedule_id: scheduleId }).first(),
        (await get(admin, detail)).status, (await w.admin.get(`/api/v1/reports/schedules/${scheduleId}`)).status,
      ],
    }).to.deep.equal({
      link: true, noDirectForm: false,
      confirm: [200, true, true, true],
      deleted: [303, `${LIST}?done=deleted`],
      list: [true, false],
      left: [undefined, undefined, 404, 404],
    });
  });

  it('refuses a reports viewer who may not schedule (403 on every page and form, nothing changed), and links the pages only for schedulers', async () => {
    const target = await ok<{ id: string }>(w.admin.post('/api/v1/reports/schedules').send({ report: 'compliance', cron: '0 6 * * 1', recipients: ['a@example.com'] }), 201);
    const detail = `${LIST}/${target.id}`;
    const before = await t.db('reporting_schedules').orderBy('id').select();
    const statuses = [
      (await get(viewer, LIST)).status, (await get(viewer, detail)).status, (await get(viewer, `${detail}/delete`)).status,
      (await post(viewer, LIST, { ...emptyForm, report: 'compliance', cron: '0 6 * * 1', recipients: 'v@example.com' })).status,
      (await post(viewer, `${detail}/pause`)).status, (await post(viewer, `${detail}/delete`)).status,
    ];
    const [forViewer, forAdmin] = [await get(viewer, '/admin/reports'), await get(admin, '/admin/reports')];
    const linked = (html: string) => (html.match(/href="\/admin\/reports\/schedules"/g) ?? []).length;
    expect({
      statuses, unchanged: JSON.stringify(await t.db('reporting_schedules').orderBy('id').select()) === JSON.stringify(before),
      dashboard: [forViewer.status, linked(forViewer.text), forAdmin.status, linked(forAdmin.text)],
    }).to.deep.equal({
      statuses: [403, 403, 403, 403, 403, 403], unchanged: true,
      // For the administrator: the dashboard's link and the navigation's entry.
      dashboard: [200, 0, 200, 2],
    });
  });
});
