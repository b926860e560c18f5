// The reporting pages: a learner's own transcript, a course's report for its instructor (and no one
// else's), the dashboard's numbers with each chart beside its data table, and the links to a course's
// report and a person's transcript that reporting adds to the course editor and the account's admin page,
// and the dashboard's button that rebuilds the summary, for administrators only.
import { expect } from 'chai';
import type { Persona, TestApp } from 'lectern';
import { ok, reportingWorld, type ReportingWorld } from './helpers';

describe('reporting: pages', function () {
  this.timeout(60_000);
  let w: ReportingWorld;
  let t: TestApp;
  let course: { id: string; items: string[] };
  let other: { id: string; items: string[] };
  let learner: Persona;
  let teacher: Persona;
  let stranger: Persona;

  before(async () => {
    w = await reportingWorld();
    t = w.t;
    course = await w.courseOf('PG-1', { items: 1 });
    other = await w.courseOf('PG-2', { items: 1 });
    learner = await t.persona('Lena Learner');
    teacher = await t.persona('Theo Teacher');
    stranger = await t.persona('Olga Other');
    await ok(w.admin.post(`/api/v1/courses/${course.id}/enrollments`).send({ userId: learner.id, dueAt: '2030-02-01T00:00:00.000Z' }), 201);
    await ok(w.admin.post(`/api/v1/courses/${other.id}/enrollments`).send({ userId: learner.id, dueAt: '2030-02-01T00:00:00.000Z' }), 201);
    await ok(w.admin.post(`/api/v1/courses/${course.id}/enrollments`).send({ userId: teacher.id, role: 'instructor' }), 201);
    await ok(w.admin.post(`/api/v1/courses/${other.id}/enrollments`).send({ userId: stranger.id, role: 'instructor' }), 201);
    await ok(learner.post(`/api/v1/courses/${course.id}/items/${course.items[0]}/complete`).send({}), 201);
    await t.jobs.drain();
  });
  after(() => t?.close());

  const page = async (who: Persona, url: string) => {
    const res = await who.get(url).set('Accept', 'text/html');
    return { status: res.status, text: res.text.replace(/\s+/g, ' ') };
  };

  it("shows a learner their own transcript, and a stranger's transcript to no one but reporters", async () => {
    const own = await page(learner, '/my/transcript');
    const byStranger = await page(stranger, `/reports/learners/${learner.id}`);
    const byAdmin = await page(w.admin, `/reports/learners/${learner.id}`);
    expect([own.status, own.text.includes('Course PG-1'), own.text.includes('Cycle 1: completed'), byStranger.status, byAdmin.status])
      .to.deep.equal([200, true, true, 404, 200]);
  });

  it("shows a course's report to its instructor, with the summary and each learner, and refuses another course's", async () => {
    const own = await page(teacher, `/reports/courses/${course.id}`);
    const notOwn = await page(teacher, `/reports/courses/${other.id}`);
    expect([own.status, own.text.includes('<dt>Learners</dt><dd>1</dd>'), own.text.includes('Lena Learner'), own.text.includes('Completed'), notOwn.status])
      .to.deep.equal([200, true, true, true, 403]);
  });

  /** The links under "Related" on a page, as [text, href]. */
  const related = (text: string) => [...(/<section aria-labelledby="related-title">(.*?)<\/section>/.exec(text)?.[1] ?? '')
    .matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map(([, href, label]) => [label, href]);

  it("links a course's report from its editor and a person's transcript from their account page, and each link opens", async () => {
    const editor = await page(w.admin, `/admin/courses/${course.id}`);
    const account = await page(w.admin, `/admin/users/${learner.id}`);
    const links = { course: related(editor.text), user: related(account.text) };
    expect(links).to.deep.equal({
      course: [['Completion report', `/reports/courses/${course.id}`]],
      user: [['Transcript', `/reports/learners/${learner.id}`]],
    });
    const [report, transcript] = await Promise.all([page(w.admin, links.course[0][1]), page(w.admin, links.user[0][1])]);
    expect([editor.status, account.status, report.status, report.text.includes('Report: Course PG-1'), transcript.status, transcript.text.includes('Transcript: Lena Learner')])
      .to.deep.equal([200, 200, 200, true, 200, true]);
  });

  it('shows those links only to viewers who may open them: an instructor at their course, not a content manager or support', async () => {
    const manager = await t.persona('Mona Manager', 'content-manager');
    const support = await t.persona('Sid Support', 'support');
    const [byTeacher, byManager, bySupport] = await Promise.all([
      page(teacher, `/admin/courses/${course.id}`), page(manager, `/admin/courses/${course.id}`), page(support, `/admin/users/${learner.id}`),
    ]);
    expect({
      teacher: [byTeacher.status, related(byTeacher.text)],
      manager: [byManager.status, related(byManager.text), byManager.text.includes('/reports/courses/')],
      support: [bySupport.status, related(bySupport.text), bySupport.text.includes('/reports/learners/')],
    }).to.deep.equal({
      teacher: [200, [['Completion report', `/reports/courses/${course.id}`]]],
      manager: [200, [], false],
      support: [200, [], false],
    });
  });

  it('draws the dashboard charts with their tables, and counts overdue learners', async () => {
    w.clock.set('2030-03-01T09:00:00.000Z');
    const dash = await page(w.admin, '/admin/reports');
    expect({
      status: dash.status, overdue: dash.text.includes('<dt>Overdue</dt><dd>1</dd>'), charts: (dash.text.match(/<svg class="chart"[^>]*role="img"/g) ?? []).length,
      tables: dash.text.includes('<caption>Completion rate per course (largest courses first)</caption>'), learnerRefused: (await page(learner, '/admin/reports')).status,
    }).to.deep.equal({ status: 200, overdue: true, charts: 2, tables: true, learnerRefused: 403 });
  });

  it('rebuilds the summary from the dashboard for an administrator, and offers a reporter no such button', async () => {
    const reporter = await t.persona('Rita Reporter', 'reporter');
    const dashboard = await page(w.admin, '/admin/reports');
    const forReporter = await page(reporter, '/admin/reports');
    await t.db('reporting_enrollments').where({ user_id: learner.id }).delete();
    const refused = await reporter.post('/admin/reports/rebuild').type('form').send({});
    const started = await w.admin.post('/admin/reports/rebuild').type('form').send({});
    await t.jobs.drain();
    const after = await page(w.admin, started.headers.location);
    expect({
      button: [dashboard.text.includes('Rebuild the summary'), forReporter.status, forReporter.text.includes('Rebuild the summary')],
      refused: refused.status, started: [started.status, started.headers.location], notice: after.text.includes('The summary is being rebuilt'),
      rows: Number((await t.db('reporting_enrollments').where({ user_id: learner.id }).count({ n: '*' }).first() as { n: string | number }).n),
    }).to.deep.equal({ button: [true, 200, false], refused: 403, started: [303, '/admin/reports?done=rebuilding'], notice: true, rows: 2 });
  });
});
