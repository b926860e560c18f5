// The compliance report of one category on both drivers: a reporter granted at a category reads its
// courses and those of its subcategories (numbers worked out by hand from a driven clock), and nothing
// wider; a course moved into the category joins its report; unknown categories, and a course outside the
// category it is asked with, are refused; scheduled compliance reports of a category are checked and
// delivered the same way.
import { expect } from 'chai';
import type { Persona, TestApp } from 'lectern';
import { parse } from 'csv-parse/sync';
import { runDueSchedules } from '../../../plugins/reporting/deliveries';
import { ok, reportingWorld, type ReportingWorld } from './helpers';

type Report = { summary: Record<string, number>; items: { userId: string; courseId: string; state: string }[] };

describe('reporting: compliance of a category', function () {
  this.timeout(90_000);
  let w: ReportingWorld;
  let t: TestApp;
  let admin: Persona;
  const p: Record<string, Persona> = {};
  const cat: Record<'safety' | 'plant' | 'office', string> = { safety: '', plant: '', office: '' };
  const course: Record<'ladders' | 'cranes' | 'desks' | 'loose', string> = { ladders: '', cranes: '', desks: '', loose: '' };
  let safetyReporter: Persona;
  let plantReporter: Persona;

  const compliance = (who: Persona, query: string) => who.get(`/api/v1/reports/compliance?${query}`);
  const rows = (r: Report) => r.items.map((i) => [i.userId, i.courseId, i.state]);

  before(async () => {
    w = await reportingWorld();
    ({ t, admin } = w);
    const category = async (name: string, parentId?: string) => (await ok<{ id: string }>(admin.post('/api/v1/categories').send({ name, ...(parentId ? { parentId } : {}) }), 201)).id;
    cat.safety = await category('Safety');
    cat.plant = await category('Plant', cat.safety);
    cat.office = await category('Office');
    course.ladders = (await w.courseOf('SCOPE-L', { items: 1 })).id;
    const cranes = await w.courseOf('SCOPE-C', { items: 1, recertifyAfterDays: 10 });
    course.cranes = cranes.id;
    course.desks = (await w.courseOf('SCOPE-D', { items: 1 })).id;
    course.loose = (await w.courseOf('SCOPE-X', { items: 1 })).id;
    // Placed after they were made: the summary learns each category from courseChanged.
    for (const [id, categoryId] of [[course.ladders, cat.safety], [course.cranes, cat.plant], [course.desks, cat.office]]) {
      await ok(admin.patch(`/api/v1/courses/${id}`).send({ categoryId }));
    }
    for (const name of ['over', 'soon', 'far', 'lapsed', 'craneSoon', 'desk', 'deskSoon', 'loose']) p[name] = await t.persona(name);
    const enroll = (courseId: string, who: Persona, dueAt?: string) => ok(admin.post(`/api/v1/courses/${courseId}/enrollments`).send({ userId: who.id, ...(dueAt ? { dueAt } : {}) }), 201);
    await enroll(course.ladders, p.over, '2030-03-10T00:00:00.000Z');
    await enroll(course.ladders, p.soon, '2030-03-18T00:00:00.000Z');
    await enroll(course.ladders, p.far, '2030-06-01T00:00:00.000Z');
    await enroll(course.cranes, p.lapsed);
    await enroll(course.cranes, p.craneSoon, '2030-03-20T00:00:00.000Z');
    await enroll(course.desks, p.desk, '2030-03-05T00:00:00.000Z');
    await enroll(course.desks, p.deskSoon, '2030-03-16T00:00:00.000Z');
    await enroll(course.loose, p.loose, '2030-03-02T00:00:00.000Z');
    // Completed on 1 March, valid 10 days: expired on the 11th.
    await ok(p.lapsed.post(`/api/v1/courses/${course.cranes}/items/${cranes.items[0]}/complete`).send({}), 201);
    safetyReporter = await t.persona('safety reporter', 'reporter', { type: 'category', id: cat.safety });
    plantReporter = await t.persona('plant reporter', 'reporter', { type: 'category', id: cat.plant });
    w.clock.set('2030-03-15T09:00:00.000Z');
    await t.jobs.drain();
  });
  after(() => t?.close());

  it("keeps each course's category in the summary", async () => {
    const categories = await t.db('reporting_courses').whereIn('course_id', Object.values(course)).orderBy('course_id').select('course_id', 'category_id');
    expect(categories.map((r: { course_id: string | number; category_id: string | number | null }) => [String(r.course_id), r.category_id === null ? null : String(r.category_id)]))
      .to.deep.equal([[course.ladders, cat.safety], [course.cranes, cat.plant], [course.desks, cat.office], [course.loose, null]]);
  });

  it("gives a reporter granted at a category its courses' and its subcategories' rows, and nothing wider", async () => {
    const safety = await ok<Report>(compliance(safetyReporter, `categoryId=${cat.safety}`));
    const plant = await ok<Report>(compliance(safetyReporter, `categoryId=${cat.plant}`));
    const oneCourse = await ok<Report>(compliance(safetyReporter, `courseId=${course.ladders}`));
    const everything = await ok<Report>(compliance(admin, ''));
    const refused = await Promise.all([
      compliance(safetyReporter, `categoryId=${cat.office}`), compliance(safetyReporter, ''), compliance(safetyReporter, `courseId=${course.desks}`),
      compliance(plantReporter, `categoryId=${cat.safety}`), compliance(p.over, `categoryId=${cat.safety}`),
    ]);
    expect({
      safety: [safety.summary, rows(safety)], plant: [plant.summary, rows(plant)], oneCourse: rows(oneCourse), everything: everything.summary,
      refused: refused.map((r) => [r.status, r.type]),
    }).to.deep.equal({
      // By the date that matters: due 10 March, expired 11 March, due 18 and 20 March. "far" is due in June.
      safety: [{ expired: 1, overdue: 1, dueSoon: 2, expiringSoon: 0 }, [
        [p.over.id, course.ladders, 'overdue'], [p.lapsed.id, course.cranes, 'expired'],
        [p.soon.id, course.ladders, 'due_soon'], [p.craneSoon.id, course.cranes, 'due_soon'],
      ]],
      plant: [{ expired: 1, overdue: 0, dueSoon: 1, expiringSoon: 0 }, [[p.lapsed.id, course.cranes, 'expired'], [p.craneSoon.id, course.cranes, 'due_soon']]],
      oneCourse: [[p.over.id, course.ladders, 'overdue'], [p.soon.id, course.ladders, 'due_soon']],
      // Office's desk learners and the uncategorized course's one count only system-wide.
      everything: { expired: 1, overdue: 3, dueSoon: 3, expiringSoon: 0 },
      refused: Array.from({ length: 5 }, () => [403, 'application/problem+json']),
    });
  });

  it('streams the same rows as CSV', async () => {
    const json = await ok<Report>(compliance(safetyReporter, `categoryId=${cat.safety}`));
    const res = await compliance(safetyReporter, `categoryId=${cat.safety}&format=csv`).buffer(true)
      .parse((r, cb) => { let s = ''; r.on('data', (d: Buffer) => { s += d.toString(); }); r.on('end', () => cb(null, s)); });
    const csv = parse(res.body as string, { columns: true }) as { userId: string; courseId: string; state: string }[];
    expect([res.status, csv.map((r) => [r.userId, r.courseId, r.state])]).to.deep.equal([200, rows(json)]);
  });

  it('refuses an unknown category (404) and a course outside the category it is asked with (400); a subcategory\'s course is inside', async () => {
    const [unknown, outside, inside, unknownToReporter] = await Promise.all([
      compliance(admin, 'categoryId=999999'), compliance(admin, `categoryId=${cat.safety}&courseId=${course.desks}`),
      compliance(admin, `categoryId=${cat.safety}&courseId=${course.cranes}`), compliance(safetyReporter, 'categoryId=999999'),
    ]);
    expect({
      unknown: [unknown.status, unknown.type, unknown.body.detail], outside: [outside.status, outside.type, outside.body.errors.map((e: { path: string }) => e.path)],
      inside: [inside.status, rows(inside.body as Report)],
      // Permission comes first: a category that does not exist lies only under the system level.
      unknownToReporter: unknownToReporter.status,
    }).to.deep.equal({
      unknown: [404, 'application/problem+json', 'category 999999 does not exist'], outside: [400, 'application/problem+json', ['query.categoryId']],
      inside: [200, [[p.lapsed.id, course.cranes, 'expired'], [p.craneSoon.id, course.cranes, 'due_soon']]],
      unknownToReporter: 403,
    });
  });

  it("follows a course moved into the category: its learners join the category's report", async () => {
    await ok(admin.patch(`/api/v1/courses/${course.desks}`).send({ categoryId: cat.plant }));
    await t.jobs.drain();
    const safety = await ok<Report>(compliance(safetyReporter, `categoryId=${cat.safety}`));
    const office = await ok<Report>(compliance(admin, `categoryId=${cat.office}`));
    expect({ safety: [safety.summary, rows(safety)], office: office.items.length }).to.deep.equal({
      safety: [{ expired: 1, overdue: 2, dueSoon: 3, expiringSoon: 0 }, [
        [p.desk.id, course.desks, 'overdue'], [p.over.id, course.ladders, 'overdue'], [p.lapsed.id, course.cranes, 'expired'],
        [p.deskSoon.id, course.desks, 'due_soon'], [p.soon.id, course.ladders, 'due_soon'], [p.craneSoon.id, course.cranes, 'due_soon'],
      ]],
      office: 0,
    });
  });

  it("schedules a category's compliance report only for those who may read it, delivers its rows, and stops when the creator loses the grant", async () => {
    // Scheduling is granted at the system level; reading, here, only at Safety.
    await ok(admin.post('/api/v1/roles').send({ key: 'report-scheduler', name: 'Report scheduler', permissions: ['reports:schedule'] }), 201);
    const planner = await t.persona('planner', 'report-scheduler');
    const grant = await ok<{ id: string }>(admin.post('/api/v1/role-assignments').send({ userId: planner.id, role: 'reporter', context: { type: 'category', id: cat.safety } }), 201);
    const post = (who: Persona, params: Record<string, string>, report = 'compliance') =>
      who.post('/api/v1/reports/schedules').send({ report, params, cron: '0 6 * * *', recipients: ['safety@example.com'] });
    const answers = await Promise.all([
      post(planner, { categoryId: cat.office }), post(planner, {}), post(admin, { categoryId: '999999' }),
      post(admin, { categoryId: cat.office, courseId: course.ladders }), post(admin, { categoryId: cat.safety, courseId: course.ladders }, 'course-completion'),
    ]);
    const schedule = await ok<{ id: string }>(post(planner, { categoryId: cat.safety }), 201);
    const tick = async (at: string) => {
      w.clock.set(at);
      await t.app.contextOf('reporting').enqueue(runDueSchedules, {});
      await t.jobs.drain();
    };
    await tick('2030-03-16T06:00:30.000Z');
    await ok(admin.delete(`/api/v1/role-assignments/${grant.id}`), 204);
    await tick('2030-03-17T06:00:30.000Z');
    const detail = await ok<{ runs: { state: string; rows: number | null; error: string | null }[] }>(planner.get(`/api/v1/reports/schedules/${schedule.id}`));
    expect({
      refused: answers.map((r) => [r.status, (r.body.errors ?? []).map((e: { path: string }) => e.path)]),
      runs: detail.runs.map((r) => [r.state, r.rows, r.error]),
    }).to.deep.equal({
      refused: [[403, []], [403, []], [400, ['body.params.categoryId']], [400, ['body.params.categoryId']], [400, ['body.params.categoryId']]],
      runs: [
        ['failed', null, "The schedule's creator may no longer see this report."],
        // On the 16th "deskSoon" (due that day, 00:00) is overdue: still the same six rows.
        ['sent', 6, null],
      ],
    });
  });
});
