// What courses offer a reporting plugin, used as one would: from a plugin that lists 'courses' in dependsOn.
// courseChanged, once per transaction that changes what every enrollment's standing depends on (and never
// for edits that change none); enrollmentUpdated for a due date or role change; a course's enrollments
// and every course id in pages; a person's transcript across recertification cycles; CourseSummary's counts;
// a category's subtree.
import { expect } from 'chai';
import { definePlugin, type PluginContext } from 'lectern';
import { CourseDirectoryRef } from 'lectern/courses';
import { recertify } from '../../../plugins/courses/recertify';
import { addItems, as, createCourse, enroll, expectStatus, useWorld } from './helpers';

let consumer: PluginContext;
const reportingPlugin = definePlugin({
  name: 'reporting-consumer', version: '1.0.0', core: '^1.0.0', dependsOn: ['courses'],
  async start(ctx) {
    consumer = ctx;
  },
});

describe('courses: the surface for reporting', () => {
  const w = useWorld({ plugins: [reportingPlugin], settings: { recertifyNoticeDays: 7 } });
  const directory = () => consumer.resolve(CourseDirectoryRef);

  /** The courseChanged payloads `step` brought about. */
  async function announced(step: () => Promise<unknown>): Promise<unknown[]> {
    const from = w.events.length;
    await step();
    return w.events.slice(from).filter((e) => e.name === 'courses.courseChanged').map((e) => e.payload);
  }

  it('announces courseChanged once per change to a course\'s items, status, title, code, category or recertification, and not otherwise', async () => {
    w.clock.set('2030-03-01T09:00:00.000Z');
    const m = as(w.t, w.manager);
    let course: Record<string, unknown> = {};
    let template: Record<string, unknown> = {};
    let sectionId = '';
    let items: string[] = [];
    const url = (more = '') => `/api/v1/courses/${String(course.id)}${more}`;
    const steps: Record<string, () => Promise<unknown>> = {
      create: async () => { course = await createCourse(w.t, w.manager, {}, false); },
      retitle: () => expectStatus(m.patch(url(), { title: 'Ladder safety' }), 200),
      recertification: () => expectStatus(m.patch(url(), { recertifyAfterDays: 365 }), 200),
      recode: () => expectStatus(m.patch(url(), { code: 'LADDER-1' }), 200),
      category: async () => {
        const category = await expectStatus(as(w.t, w.admin).post('/api/v1/categories', { name: 'Heights' }), 201);
        await expectStatus(as(w.t, w.admin).patch(url(), { categoryId: String(category.id) }), 200);
      },
      summaryOnly: () => expectStatus(m.patch(url(), { summary: 'Climb well.', title: 'Ladder safety' }), 200),
      publish: () => expectStatus(m.post(url('/publish')), 200),
      publishAgain: () => expectStatus(m.post(url('/publish')), 200),
      addSection: async () => { sectionId = String((await expectStatus(m.post(url('/sections'), { title: 'One' }), 201)).id); },
      addRequired: async () => { items = [String((await expectStatus(m.post(url(`/sections/${sectionId}/items`), { contentId: 'doc:1' }), 201)).id)]; },
      addOptional: async () => { items.push(String((await expectStatus(m.post(url(`/sections/${sectionId}/items`), { contentId: 'doc:2', required: false }), 201)).id)); },
      makeOptional: () => expectStatus(m.patch(url(`/sections/${sectionId}/items/${items[0]}`), { required: false }), 200),
      retitleItem: () => expectStatus(m.patch(url(`/sections/${sectionId}/items/${items[0]}`), { title: 'Step one' }), 200),
      deleteItem: () => expectStatus(m.delete(url(`/sections/${sectionId}/items/${items[1]}`)), 204),
      deleteSection: () => expectStatus(m.delete(url(`/sections/${sectionId}`)), 204),
      deleteEmptySection: async () => {
        const empty = await expectStatus(m.post(url('/sections'), { title: 'Empty' }), 201);
        await expectStatus(m.delete(url(`/sections/${String(empty.id)}`)), 204);
      },
      archive: () => expectStatus(m.post(url('/archive')), 200),
      makeTemplate: async () => {
        template = await createCourse(w.t, w.manager, {}, false);
        await addItems(w.t, w.manager, template.id, ['3', '4']);
        await expectStatus(m.patch(`/api/v1/courses/${String(template.id)}`, { isTemplate: true }), 200);
      },
      fromTemplate: async () => { course = await expectStatus(m.post('/api/v1/courses', { title: 'From template', code: 'TPL-COPY', templateId: String(template.id) }), 201); },
      delete: () => expectStatus(m.delete(url()), 204),
    };
    const seen: Record<string, unknown[]> = {};
    for (const [name, step] of Object.entries(steps)) seen[name] = await announced(step);

    const [first, copy, tpl] = [seen.create, seen.fromTemplate, seen.makeTemplate].map((p) => (p[p.length - 1] as { courseId: string }).courseId);
    const at = '2030-03-01T09:00:00.000Z';
    const once = (courseId: string) => [{ courseId, changedAt: at }];
    expect(seen).to.deep.equal({
      create: once(first), retitle: once(first), recertification: once(first), recode: once(first), category: once(first), summaryOnly: [], publish: once(first), publishAgain: [],
      addSection: [], addRequired: once(first), addOptional: once(first), makeOptional: once(first), retitleItem: [],
      deleteItem: once(first), deleteSection: once(first), deleteEmptySection: [], archive: once(first),
      // created, two items added, made a template: one announcement each
      makeTemplate: [...once(tpl), ...once(tpl), ...once(tpl), ...once(tpl)],
      fromTemplate: once(copy), delete: once(copy),
    });
  });

  it('announces a changed due date or role of an active enrollment as enrollmentUpdated, and an unchanged one not at all', async () => {
    const course = await createCourse(w.t, w.manager);
    const learner = await w.user('due');
    await enroll(w.t, w.manager, course.id, learner.id);
    const from = w.events.length;
    await enroll(w.t, w.manager, course.id, learner.id, { dueAt: '2030-06-01T00:00:00.000Z' });
    await enroll(w.t, w.manager, course.id, learner.id, { dueAt: '2030-06-01T00:00:00.000Z' });
    await enroll(w.t, w.manager, course.id, learner.id, { role: 'instructor' });
    expect(w.events.slice(from)).to.deep.equal([
      { name: 'courses.enrollmentUpdated', payload: { courseId: String(course.id), userId: learner.id, role: 'learner', dueAt: '2030-06-01T00:00:00.000Z' } },
      { name: 'courses.enrollmentUpdated', payload: { courseId: String(course.id), userId: learner.id, role: 'instructor', dueAt: '2030-06-01T00:00:00.000Z' } },
    ]);
  });

  it('pages a course\'s enrollments by user id — learners and instructors, active and unenrolled — as enrollment() reads each', async () => {
    const course = await createCourse(w.t, w.manager);
    const courseId = String(course.id);
    const people = [await w.user('p1'), await w.user('p2'), await w.user('p3'), await w.user('p4'), await w.user('p5')];
    for (const [i, p] of people.entries()) await enroll(w.t, w.manager, courseId, p.id, { role: i === 3 ? 'instructor' : 'learner' });
    await expectStatus(as(w.t, w.manager).delete(`/api/v1/courses/${courseId}/enrollments/${people[1].id}`), 204);

    const pages = [];
    let afterUserId: string | undefined;
    for (;;) {
      const page = await directory().enrollments(courseId, { afterUserId, limit: 2 });
      pages.push(page);
      if (!page.length) break;
      afterUserId = page[page.length - 1].userId;
    }
    const each = await Promise.all(people.map((p) => directory().enrollment(courseId, p.id)));
    expect({
      sizes: pages.map((p) => p.length),
      all: pages.flat(),
      shape: pages.flat().map((e) => [e.userId, e.role, e.status]),
      malformed: [
        await directory().enrollments('x', { limit: 2 }), await directory().enrollments(courseId, { afterUserId: 'z', limit: 2 }),
        await directory().enrollments(courseId, { limit: 0 }), await directory().enrollments('999999', { limit: 2 }),
      ],
    }).to.deep.equal({
      sizes: [2, 2, 1, 0],
      all: each,
      shape: people.map((p, i) => [p.id, i === 3 ? 'instructor' : 'learner', i === 1 ? 'unenrolled' : 'active']),
      malformed: [[], [], [], []],
    });
    expect(people.map((p) => Number(p.id))).to.deep.equal(people.map((p) => Number(p.id)).sort((a, b) => a - b));
  });

  it('pages every course id, templates left out, and sums up courses with their required items and recertification', async () => {
    const template = await createCourse(w.t, w.manager, {}, false);
    await expectStatus(as(w.t, w.manager).patch(`/api/v1/courses/${String(template.id)}`, { isTemplate: true }), 200);
    const course = await createCourse(w.t, w.manager, { recertifyAfterDays: 90 });
    await addItems(w.t, w.manager, course.id, ['1', '2', '3'], ['3']);

    const ids: string[] = [];
    let pages = 0;
    for (let page = await directory().courseIds({ limit: 2 }); page.length; page = await directory().courseIds({ afterId: page[page.length - 1], limit: 2 })) {
      expect(page.length).to.be.at.most(2);
      ids.push(...page);
      pages += 1;
    }
    const expected = (await w.t.db('courses_courses').where({ is_template: false }).orderBy('id').select('id')).map((r: { id: number }) => String(r.id));
    const summary = (await directory().coursesById([String(course.id)])).get(String(course.id));
    expect({
      ids, pages, hasTemplate: ids.includes(String(template.id)), hasCourse: ids.includes(String(course.id)),
      malformed: await directory().courseIds({ afterId: '1 or 1=1', limit: 2 }), summary,
    }).to.deep.equal({
      ids: expected, pages: Math.ceil(expected.length / 2), hasTemplate: false, hasCourse: true, malformed: [],
      summary: {
        id: String(course.id), title: course.title, code: course.code, status: 'published', categoryId: null, requiredItems: 2, recertifyAfterDays: 90,
      },
    });
  });

  it('gives a person\'s transcript: every course, the current enrollment, and every completion of every cycle', async () => {
    const runDailyJob = async () => {
      await w.t.app.contextOf('courses').enqueue(recertify, {});
      await w.t.jobs.drain();
    };
    w.clock.set('2030-01-05T09:00:00.000Z');
    const course = await createCourse(w.t, w.manager, { title: 'Forklift', recertifyAfterDays: 30 });
    const [item] = await addItems(w.t, w.manager, course.id, ['1']);
    const left = await createCourse(w.t, w.manager, { title: 'Left early' });
    await addItems(w.t, w.manager, left.id, ['1', '2']);
    const learner = await w.user('transcript');
    await enroll(w.t, w.manager, course.id, learner.id);
    await enroll(w.t, w.manager, left.id, learner.id);
    await expectStatus(as(w.t, w.manager).delete(`/api/v1/courses/${String(left.id)}/enrollments/${learner.id}`), 204);
    const complete = () => expectStatus(as(w.t, learner).post(`/api/v1/courses/${String(course.id)}/items/${item}/complete`), 201);
    await complete();
    w.clock.set('2030-01-28T09:00:00.000Z'); // 7 days before the expiry: the second cycle starts
    await runDailyJob();
    w.clock.set('2030-02-04T09:00:01.000Z'); // the first completion lapses
    await runDailyJob();
    w.clock.set('2030-02-05T10:00:00.000Z');
    await complete();

    const transcript = await directory().transcript(learner.id);
    const [forklift, early] = transcript;
    const summaries = await directory().coursesById([String(course.id), String(left.id)]);
    expect({
      entries: transcript.length,
      courses: [forklift.course, early.course],
      enrollments: [forklift.enrollment, early.enrollment],
      completions: [forklift.completions, early.completions],
      malformed: [await directory().transcript('nobody'), await directory().transcript('999999')],
    }).to.deep.equal({
      entries: 2,
      courses: [summaries.get(String(course.id)), summaries.get(String(left.id))],
      enrollments: [await directory().enrollment(String(course.id), learner.id), await directory().enrollment(String(left.id), learner.id)],
      completions: [[
        { cycle: 1, completedAt: '2030-01-05T09:00:00.000Z', expiresAt: '2030-02-04T09:00:00.000Z', expiredAt: '2030-02-04T09:00:01.000Z' },
        { cycle: 2, completedAt: '2030-02-05T10:00:00.000Z', expiresAt: '2030-03-07T10:00:00.000Z', expiredAt: null },
      ], []],
      malformed: [[], []],
    });
    expect([forklift.enrollment.cycle, forklift.enrollment.completedAt, early.enrollment.status]).to.deep.equal([2, '2030-02-05T10:00:00.000Z', 'unenrolled']);
  });

  it('gives a category with every category beneath it, at any depth, and follows a move', async () => {
    const admin = as(w.t, w.admin);
    const category = async (name: string, parentId?: string) => String((await expectStatus(admin.post('/api/v1/categories', { name, ...(parentId ? { parentId } : {}) }), 201)).id);
    const plant = await category('Plant');
    const floor = await category('Floor', plant);
    const forklifts = await category('Forklifts', floor);
    const cranes = await category('Cranes', floor);
    const office = await category('Office');
    const tree = () => Promise.all([plant, floor, forklifts, office].map((id) => directory().categoryWithDescendants(id)));
    const before = await tree();
    await expectStatus(admin.patch(`/api/v1/categories/${floor}`, { parentId: office }), 200);
    expect({
      before, after: await tree(),
      unknown: [await directory().categoryWithDescendants('999999'), await directory().categoryWithDescendants('1 or 1=1'), await directory().categoryWithDescendants('')],
    }).to.deep.equal({
      before: [[plant, floor, forklifts, cranes], [floor, forklifts, cranes], [forklifts], [office]],
      after: [[plant], [floor, forklifts, cranes], [forklifts], [office, floor, forklifts, cranes]],
      unknown: [null, null, null],
    });
  });
});
