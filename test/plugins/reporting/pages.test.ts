// The reporting pages: a learner's own transcript, a course's report for its instructor (and no one
// else's), and the dashboard's numbers with each chart beside its data table.
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

  it('draws the dashboard charts with their tables, and counts overdue learners', async () => {
    w.clock.set('2030-03-01T09:00:00.000Z');
    const dash = await page(w.admin, '/admin/reports');
    expect({
      status: dash.status, overdue: dash.text.includes('<dt>Overdue</dt><dd>1</dd>'), charts: (dash.text.match(/<svg class="chart"[^>]*role="img"/g) ?? []).length,
      tables: dash.text.includes('<caption>Completion rate per course (largest courses first)</caption>'), learnerRefused: (await page(learner, '/admin/reports')).status,
    }).to.deep.equal({ status: 200, overdue: true, charts: 2, tables: true, learnerRefused: 403 });
  });
});
