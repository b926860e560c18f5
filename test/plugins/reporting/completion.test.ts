// The course completion report on both drivers: numbers checked against a hand-made course (completed,
// in progress, overdue through a driven clock, not started, an unenrolled learner and an instructor who
// do not count), the cohort and status filters, every sort paged two rows at a time (empty due and
// completion dates included) equal to the unpaged order, cursors of another sort refused, CSV equal to the
// JSON rows with formula cells made inert, scoping to the caller's courses, a rebuilt summary (each
// course's category included) equal to the one the subscribers kept, and report pages kept in memory
// that still show every change and every due date the clock passes.
import { expect } from 'chai';
import type { Persona, TestApp } from 'lectern';
import { parse } from 'csv-parse/sync';
import { eventually } from '../../core/helpers';
import { ok, reportingWorld, type ReportingWorld } from './helpers';

type Body = Record<string, unknown>;

describe('reporting: course completion', function () {
  this.timeout(60_000);
  let w: ReportingWorld;
  let t: TestApp;
  let admin: Persona;
  let course: string;
  let other: string;
  const learners: Record<string, Persona> = {};
  let cohortId: string;
  let items: string[];

  const report = (who: Persona, query: string) => who.get(`/api/v1/reports/course-completion?${query}`);

  before(async () => {
    w = await reportingWorld();
    ({ t, admin } = w);
    const a = await w.courseOf('REP-A');
    course = a.id;
    items = a.items;
    other = (await w.courseOf('REP-B')).id;
    for (const name of ['done', 'busy', 'late', 'idle', 'gone']) learners[name] = await t.persona(name);
    learners.formula = await t.persona('=HYPERLINK("https://evil.example")');
    const enroll = (p: Persona, dueAt?: string, role = 'learner') =>
      ok(admin.post(`/api/v1/courses/${course}/enrollments`).send({ userId: p.id, role, ...(dueAt ? { dueAt } : {}) }), 201);
    await enroll(learners.done, '2030-04-01T00:00:00.000Z');
    await enroll(learners.busy, '2030-04-01T00:00:00.000Z');
    await enroll(learners.late, '2030-03-10T00:00:00.000Z');
    await enroll(learners.idle);
    await enroll(learners.gone);
    await enroll(learners.formula);
    await enroll(await t.persona('teacher'), undefined, 'instructor');
    for (const item of a.items) await ok(learners.done.post(`/api/v1/courses/${course}/items/${item}/complete`).send({}), 201);
    await ok(learners.busy.post(`/api/v1/courses/${course}/items/${a.items[0]}/complete`).send({}), 201);
    await ok(admin.delete(`/api/v1/courses/${course}/enrollments/${learners.gone.id}`), 204);
    const cohort = await ok<{ id: string }>(admin.post('/api/v1/cohorts').send({ name: 'Night shift' }), 201);
    for (const p of [learners.done, learners.late]) await ok(admin.put(`/api/v1/cohorts/${cohort.id}/members/${p.id}`), 204);
    cohortId = cohort.id;
    const category = await ok<{ id: string }>(admin.post('/api/v1/categories').send({ name: 'Reported' }), 201);
    await ok(admin.patch(`/api/v1/courses/${other}`).send({ categoryId: category.id }));
    w.clock.set('2030-03-15T09:00:00.000Z');
    await t.jobs.drain();
  });
  after(() => t?.close());

  it('counts each learner once in the status the clock gives them, and only learners', async () => {
    const body = await ok<{ summary: Body; items: { userId: string; status: string; progressPct: number; completedAt: string | null }[] }>(report(admin, `courseId=${course}`));
    const status = Object.fromEntries(body.items.map((i) => [i.userId, [i.status, i.progressPct, i.completedAt !== null]]));
    expect({ summary: body.summary, status }).to.deep.equal({
      summary: { enrolled: 5, completed: 1, inProgress: 1, notStarted: 2, overdue: 1, completionRate: 20 },
      status: {
        [learners.done.id]: ['completed', 100, true], [learners.busy.id]: ['in_progress', 33, false], [learners.late.id]: ['overdue', 0, false],
        [learners.idle.id]: ['not_started', 0, false], [learners.formula.id]: ['not_started', 0, false],
      },
    });
  });

  it('filters by cohort and status, sorts and pages', async () => {
    const ids = async (query: string) => (await ok<{ items: { userId: string }[] }>(report(admin, `courseId=${course}&${query}`))).items.map((i) => i.userId);
    const first = await ok<{ items: { userId: string }[]; nextCursor: string }>(report(admin, `courseId=${course}&sort=progress&order=desc&limit=2`));
    const second = await ok<{ items: { userId: string }[]; nextCursor: string | null }>(report(admin, `courseId=${course}&sort=progress&order=desc&limit=2&cursor=${first.nextCursor}`));
    expect({
      cohort: await ids(`cohortId=${cohortId}`), overdue: await ids('status=overdue'),
      pages: [first.items.map((i) => i.userId), second.items.map((i) => i.userId)],
    }).to.deep.equal({
      cohort: [learners.done.id, learners.late.id].sort((a, b) => Number(a) - Number(b)), overdue: [learners.late.id],
      // Equal progress falls back to the user id, in the same order: the formula learner joined last.
      pages: [[learners.done.id, learners.busy.id], [learners.formula.id, learners.idle.id]],
    });
  });

  it('pages every sort two rows at a time into exactly the unpaged order, empty dates last ascending and first descending', async () => {
    const { done, busy, late, idle, formula } = learners;
    const unpaged = async (query: string) => (await ok<{ items: { userId: string }[] }>(report(admin, `courseId=${course}&limit=200&${query}`))).items.map((i) => i.userId);
    const paged = async (query: string) => {
      const ids: string[] = [];
      const sizes: number[] = [];
      for (let cursor: string | null = '', n = 0; cursor !== null && n < 10; n++) {
        const page: { items: { userId: string }[]; nextCursor: string | null } = await ok(report(admin, `courseId=${course}&limit=2&${query}${cursor ? `&cursor=${cursor}` : ''}`));
        ids.push(...page.items.map((i) => i.userId));
        sizes.push(page.items.length);
        cursor = page.nextCursor;
      }
      return { ids, sizes };
    };
    // Due: late 10 March, done and busy 1 April (a tie: by user id), idle and formula none. Completed: done only.
    const ascending: Record<string, string[]> = {
      dueAt: [late.id, done.id, busy.id, idle.id, formula.id],
      completedAt: [done.id, busy.id, late.id, idle.id, formula.id],
      enrolledAt: [done.id, busy.id, late.id, idle.id, formula.id],
      progress: [late.id, idle.id, formula.id, busy.id, done.id],
      userId: [done.id, busy.id, late.id, idle.id, formula.id],
    };
    const seen: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    for (const [sort, order] of Object.entries(ascending)) {
      for (const dir of ['asc', 'desc']) {
        const query = `sort=${sort}&order=${dir}`;
        const all = await unpaged(query);
        seen[`${sort} ${dir}`] = { all, paged: await paged(query) };
        const want = dir === 'asc' ? order : [...order].reverse();
        expected[`${sort} ${dir}`] = { all: want, paged: { ids: want, sizes: [2, 2, 1] } };
      }
    }
    expect(seen).to.deep.equal(expected);
  });

  it("refuses a cursor of another sort, or one not of this report, with a 400 naming it (JSON and CSV)", async () => {
    const first = await ok<{ nextCursor: string }>(report(admin, `courseId=${course}&sort=progress&limit=2`));
    const forged = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const answers = await Promise.all([
      report(admin, `courseId=${course}&sort=dueAt&cursor=${first.nextCursor}`),
      report(admin, `courseId=${course}&sort=completedAt&format=csv&cursor=${first.nextCursor}`),
      report(admin, `courseId=${course}&sort=dueAt&cursor=${forged(['dueAt', 'next tuesday', 1])}`),
      report(admin, `courseId=${course}&sort=enrolledAt&cursor=${forged(['enrolledAt', '', 1])}`),
      report(admin, `courseId=${course}&sort=progress&cursor=${forged(['progress', '2030-03-01T00:00:00.000Z', 1])}`),
      report(admin, `courseId=${course}&sort=dueAt&cursor=${forged(['2030-03-01T00:00:00.000Z', 1])}`),
    ]);
    expect(answers.map((r) => [r.status, r.type, (r.body.errors ?? []).map((e: { path: string }) => e.path)]))
      .to.deep.equal(Array.from({ length: 6 }, () => [400, 'application/problem+json', ['query.cursor']]));
  });

  it('streams the same rows as CSV, with formula cells made inert', async () => {
    const json = await ok<{ items: Record<string, unknown>[] }>(report(admin, `courseId=${course}&limit=200`));
    const res = await report(admin, `courseId=${course}&format=csv`).buffer(true).parse((r, cb) => { let s = ''; r.on('data', (d: Buffer) => { s += d.toString(); }); r.on('end', () => cb(null, s)); });
    const rows = parse(res.body as string, { columns: true }) as Record<string, string>[];
    const asText = json.items.map((i) => Object.fromEntries(Object.entries(i).map(([k, v]) => [k, v === null ? '' : typeof v === 'string' && /^[=+\-@]/.test(v) ? `'${v}` : String(v)])));
    expect([res.status, res.headers['content-type'], rows]).to.deep.equal([200, 'text/csv; charset=utf-8', asText]);
    expect(rows.find((r) => r.userId === learners.formula.id)?.name).to.equal(`'=HYPERLINK("https://evil.example")`);
  });

  it('shows an instructor only the reports of their own courses, and refuses unknown courses', async () => {
    const teacher = await t.persona('teacher');
    const [own, others, learner, unknown] = await Promise.all([
      report(teacher, `courseId=${course}`), report(teacher, `courseId=${other}`), report(learners.busy, `courseId=${course}`), report(admin, 'courseId=999999'),
    ]);
    const csv = await report(teacher, `courseId=${other}&format=csv`);
    expect([own.status, others.status, learner.status, unknown.status, csv.status]).to.deep.equal([200, 403, 403, 404, 403]);
  });

  it('rebuilds the summary from the source into exactly the rows the subscribers kept', async () => {
    const snapshot = async () => ({
      courses: await t.db('reporting_courses').orderBy('course_id').select('course_id', 'title', 'status', 'category_id', 'required_items'),
      enrollments: await t.db('reporting_enrollments').orderBy(['course_id', 'user_id'])
        .select('course_id', 'user_id', 'role', 'status', 'cycle', 'enrolled_at', 'due_at', 'required_done', 'completed_at', 'expires_at'),
      members: await t.db('reporting_cohort_members').orderBy(['cohort_id', 'user_id']).select(),
    });
    const live = await snapshot();
    await t.db('reporting_enrollments').where({ user_id: learners.busy.id }).update({ required_done: 0 });
    await t.db('reporting_courses').where({ course_id: other }).delete();
    // As if the cohorts predated the plugin: the rebuild finds them in the auth plugin.
    await t.db('reporting_cohort_members').delete();
    expect((await (await t.persona('teacher')).post('/api/v1/reports/rebuild')).status, 'an instructor may not rebuild').to.equal(403);
    await ok(admin.post('/api/v1/reports/rebuild'), 202);
    await t.jobs.drain();
    expect(await snapshot()).to.deep.equal(live);
    // The same from the command line.
    await t.db('reporting_enrollments').where({ user_id: learners.done.id }).delete();
    const { command } = t.app.commands.get('reporting rebuild') as NonNullable<ReturnType<typeof t.app.commands.get>>;
    await command.run({ values: {}, positionals: [] }, t.app.contextOf('reporting'));
    await t.jobs.drain();
    expect(await snapshot()).to.deep.equal(live);
    expect(live.enrollments.length).to.equal(7);
    expect(live.courses.filter((c: { category_id: string | number | null }) => c.category_id !== null).length).to.equal(1);
    expect(live.members.length).to.be.greaterThan(0);
  });

  it('shows a change at once here and soon on another instance, and a due date passing, though pages are kept in memory', async () => {
    const second = await reportingWorld({ shareWith: t });
    try {
      const busyIn = async (app: TestApp, who: Persona) =>
        (await ok<{ items: { userId: string; status: string }[] }>(app.as(who.id).get(`/api/v1/reports/course-completion?courseId=${course}`))).items
          .find((i) => i.userId === learners.busy.id)?.status;
      second.clock.set('2030-03-15T09:00:00.000Z');
      expect([await busyIn(t, admin), await busyIn(second.t, admin)]).to.deep.equal(['in_progress', 'in_progress']);
      w.clock.set('2030-04-02T09:00:00.000Z');
      expect(await busyIn(t, admin), 'the due date passed, nothing else changed').to.equal('overdue');
      for (const item of items.slice(1)) await ok(learners.busy.post(`/api/v1/courses/${course}/items/${item}/complete`).send({}), 201);
      await t.jobs.drain();
      expect(await busyIn(t, admin)).to.equal('completed');
      await eventually(async () => (await busyIn(second.t, admin)) === 'completed', 3000);
    } finally {
      await second.t.close();
    }
  });
});
