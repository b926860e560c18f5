// Compliance, activity, transcripts and scheduled reports on both drivers: states computed through a
// driven clock against a hand-made fixture, the bad input each report refuses, a transcript only for its
// person or a reporter, and a scheduled report delivered once per tick with two instances running it.
import { expect } from 'chai';
import type { Persona, TestApp } from 'lectern';
import { runDueSchedules } from '../../../plugins/reporting/deliveries';
import { outbox, account, login } from '../auth/helpers';
import { ok, reportingWorld, type ReportingWorld } from './helpers';

describe('reporting: compliance, activity, transcripts and schedules', function () {
  this.timeout(90_000);
  let w: ReportingWorld;
  let t: TestApp;
  let admin: Persona;
  const p: Record<string, Persona> = {};
  let yearly: { id: string; items: string[] };
  let short: { id: string; items: string[] };

  before(async () => {
    w = await reportingWorld();
    ({ t, admin } = w);
    yearly = await w.courseOf('CMP-Y', { items: 1, recertifyAfterDays: 30 });
    short = await w.courseOf('CMP-S', { items: 1, recertifyAfterDays: 10 });
    for (const name of ['over', 'soon', 'far', 'renewed', 'lapsed']) p[name] = await t.persona(name);
    const enroll = (course: string, who: Persona, dueAt?: string) => ok(admin.post(`/api/v1/courses/${course}/enrollments`).send({ userId: who.id, ...(dueAt ? { dueAt } : {}) }), 201);
    await enroll(yearly.id, p.over, '2030-03-10T00:00:00.000Z');
    await enroll(yearly.id, p.soon, '2030-03-18T00:00:00.000Z');
    await enroll(yearly.id, p.far, '2030-06-01T00:00:00.000Z');
    await enroll(yearly.id, p.renewed);
    await enroll(short.id, p.lapsed);
    await ok(p.renewed.post(`/api/v1/courses/${yearly.id}/items/${yearly.items[0]}/complete`).send({}), 201);
    await ok(p.lapsed.post(`/api/v1/courses/${short.id}/items/${short.items[0]}/complete`).send({}), 201);
    w.clock.set('2030-03-15T09:00:00.000Z');
    await t.jobs.drain();
  });
  after(() => t?.close());

  it('puts each enrollment that needs attention in exactly one state, by the clock', async () => {
    const body = await ok<{ summary: Record<string, number>; items: { userId: string; courseId: string; state: string }[] }>(admin.get('/api/v1/reports/compliance'));
    const course = await ok<{ summary: Record<string, number> }>(admin.get(`/api/v1/reports/compliance?courseId=${short.id}`));
    const expired = await ok<{ items: { userId: string }[] }>(admin.get('/api/v1/reports/compliance?state=expired'));
    expect({
      summary: body.summary, states: Object.fromEntries(body.items.map((i) => [i.userId, i.state])), course: course.summary,
      expired: expired.items.map((i) => i.userId),
    }).to.deep.equal({
      summary: { expired: 1, overdue: 1, dueSoon: 1, expiringSoon: 1 },
      states: { [p.over.id]: 'overdue', [p.soon.id]: 'due_soon', [p.renewed.id]: 'expiring_soon', [p.lapsed.id]: 'expired' },
      course: { expired: 1, overdue: 0, dueSoon: 0, expiringSoon: 0 },
      expired: [p.lapsed.id],
    });
  });

  it('counts logins, enrollments and completions per day and week, and refuses a reversed or too long range', async () => {
    // An API token made with the password, then two sign-ins: three logins.
    const acct = await account(t, 'walker@example.com');
    w.clock.set('2030-03-15T10:00:00.000Z');
    await login(t, acct.email);
    w.clock.set('2030-03-15T11:00:00.000Z');
    await login(t, acct.email);
    await t.jobs.drain();
    const day = await ok<{ series: { period: string; logins: number; enrollments: number; completions: number }[] }>(admin.get('/api/v1/reports/activity?from=2030-03-01&to=2030-03-15'));
    const week = await ok<{ series: { period: string; enrollments: number }[] }>(admin.get('/api/v1/reports/activity?from=2030-03-01&to=2030-03-15&interval=week'));
    const [reversed, tooLong, learner] = await Promise.all([
      admin.get('/api/v1/reports/activity?from=2030-03-15&to=2030-03-01'), admin.get('/api/v1/reports/activity?from=2020-01-01&to=2030-03-01'),
      p.over.get('/api/v1/reports/activity?from=2030-03-01&to=2030-03-15'),
    ]);
    const first = day.series.find((d) => d.period === '2030-03-01');
    const fifteenth = day.series.find((d) => d.period === '2030-03-15');
    expect({
      days: day.series.length, first: [first?.enrollments, first?.completions], fifteenth: fifteenth?.logins,
      weeks: week.series.map((s) => [s.period, s.enrollments]),
      refused: [reversed.status, reversed.body.errors?.[0]?.path, tooLong.status, learner.status],
    }).to.deep.equal({
      days: 15, first: [5, 2], fifteenth: 3,
      weeks: [['2030-02-25', 5], ['2030-03-04', 0], ['2030-03-11', 0]],
      refused: [400, 'query.to', 400, 403],
    });
  });

  it('shows a transcript to its person and to reporters, with every completion; anyone else gets 404', async () => {
    const own = await ok<{ courses: { courseId: string; completions: { cycle: number }[] }[] }>(p.renewed.get(`/api/v1/reports/learners/${p.renewed.id}/transcript`));
    const byAdmin = await admin.get(`/api/v1/reports/learners/${p.renewed.id}/transcript`);
    const byOther = await p.over.get(`/api/v1/reports/learners/${p.renewed.id}/transcript`);
    expect([own.courses.map((c) => [c.courseId, c.completions.map((k) => k.cycle)]), byAdmin.status, byOther.status])
      .to.deep.equal([[[yearly.id, [1]]], 200, 404]);
  });

  it('refuses a schedule with a bad cron, bad recipients, a missing course or a report the caller may not see', async () => {
    const reporter = await t.persona('scheduler', 'reporter');
    const post = (who: Persona, body: Record<string, unknown>) => who.post('/api/v1/reports/schedules').send({ report: 'compliance', cron: '0 6 * * 1', recipients: ['a@example.com'], ...body });
    const answers = await Promise.all([
      post(admin, { cron: 'every monday' }), post(admin, { recipients: ['not-an-email'] }), post(admin, { report: 'course-completion' }),
      post(p.over, {}), post(reporter, { report: 'course-completion', params: { courseId: yearly.id } }),
    ]);
    expect(answers.map((r) => [r.status, (r.body.errors ?? []).map((e: { path: string }) => e.path)])).to.deep.equal([
      [400, ['body.cron']], [400, ['body.recipients.0']], [400, ['body.params.courseId']], [403, []], [201, []],
    ]);
  });

  it('delivers a scheduled report once per tick, as CSV to each recipient, with two instances running the schedules', async () => {
    const schedule = await ok<{ id: string; nextRunAt: string }>(admin.post('/api/v1/reports/schedules').send({
      report: 'course-completion', params: { courseId: yearly.id }, cron: '0 6 * * *', recipients: ['ops@example.com', 'lead@example.com'],
    }), 201);
    const second = await reportingWorld({ shareWith: t });
    let mails: { to: string; subject: string }[] = [];
    try {
      second.clock.set('2030-03-16T06:00:30.000Z');
      w.clock.set('2030-03-16T06:00:30.000Z');
      await Promise.all([t.app.contextOf('reporting').enqueue(runDueSchedules, {}), second.t.app.contextOf('reporting').enqueue(runDueSchedules, {})]);
      await Promise.all([t.jobs.drain(), second.t.jobs.drain()]);
      await Promise.all([t.app.contextOf('reporting').enqueue(runDueSchedules, {}), second.t.app.contextOf('reporting').enqueue(runDueSchedules, {})]);
      await Promise.all([t.jobs.drain(), second.t.jobs.drain()]);
      // Each instance writes its own outbox (or both the same one).
      const outboxes = [...new Map([t, second.t].map((app) => [app.app.config.dataDir, app])).values()];
      mails = outboxes.flatMap((app) => outbox(app)).filter((m) => m.subject.startsWith('Report: course-'));
    } finally {
      await second.t.close();
    }
    const detail = await ok<{ nextRunAt: string; runs: { state: string; rows: number }[] }>(admin.get(`/api/v1/reports/schedules/${schedule.id}`));
    expect({
      first: schedule.nextRunAt, next: detail.nextRunAt, runs: detail.runs.map((r) => [r.state, r.rows]), mails: mails.map((m) => m.to).sort(),
    }).to.deep.equal({
      first: '2030-03-16T06:00:00.000Z', next: '2030-03-17T06:00:00.000Z', runs: [['sent', 4]], mails: ['lead@example.com', 'ops@example.com'],
    });
  });
});
