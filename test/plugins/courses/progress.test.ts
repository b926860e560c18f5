// Progress and completion: learners complete items idempotently; a course completes from its required
// items only (also when a required item is dropped); refusals for the wrong course, item or role; what
// instructors and learners see of progress; and the privacy export and erasure of it all.
import { expect } from 'chai';
import { addItems, as, createCourse, enroll, eventNames, expectStatus, useWorld } from './helpers';
import type { Account } from '../auth/helpers';

type Mine = { course: { id: string; title: string }; role: string; state: string | null; completedAt: string | null; progress: { requiredTotal: number; requiredDone: number; itemsDone: number; percent: number } | null };

describe('courses: progress and completion', () => {
  const w = useWorld();

  const complete = (who: Account, courseId: unknown, itemId: string, body = {}) =>
    as(w.t, who).post(`/api/v1/courses/${String(courseId)}/items/${itemId}/complete`, body);
  const myCourse = async (who: Account, courseId: unknown) => expectStatus(as(w.t, who).get(`/api/v1/me/courses/${String(courseId)}`), 200);

  it('completes items once, and the course when every required item is done (optional ones do not count)', async () => {
    const course = await createCourse(w.t, w.manager);
    const [required1, required2, optional] = await addItems(w.t, w.manager, course.id, ['1', '2', '3'], ['3']);
    const learner = await w.user('learner');
    await enroll(w.t, w.manager, course.id, learner.id);
    const from = w.events.length;
    const steps = [];
    for (const [item, body] of [[optional, {}], [required1, {}], [required1, { score: 10 }], [required2, { score: 80.3 }]] as const) {
      const res = await complete(learner, course.id, item, body);
      steps.push([res.status, res.body.score, Boolean(res.body.courseCompletedAt)]);
    }
    w.clock.advanceDays(1);
    const late = await complete(learner, course.id, optional);
    const mine = await myCourse(learner, course.id);
    const completed = w.events.find((e) => e.name === 'courses.courseCompleted' && e.payload.userId === learner.id);
    expect({
      steps, late: [late.status, late.body.completedAt === late.body.courseCompletedAt],
      events: eventNames(w.events, from),
      completed: completed?.payload,
      mine: [mine.state, mine.progress, (mine.completedItems as unknown[]).length, mine.completions],
    }).to.deep.equal({
      steps: [[201, null, false], [201, null, false], [200, null, false], [201, 80.3, true]],
      late: [200, true],
      events: ['courses.itemCompleted', 'courses.itemCompleted', 'courses.itemCompleted', 'courses.courseCompleted'],
      completed: { courseId: String(course.id), userId: learner.id, cycle: 1, completedAt: '2030-01-01T09:00:00.000Z', expiresAt: null },
      mine: ['completed', { requiredTotal: 2, requiredDone: 2, itemsDone: 3, percent: 100 }, 3,
        [{ cycle: 1, completedAt: '2030-01-01T09:00:00.000Z', expiresAt: null, expiredAt: null }]],
    });
  });

  it('completes the course exactly once when its items are completed at the same moment', async () => {
    const course = await createCourse(w.t, w.manager);
    const items = await addItems(w.t, w.manager, course.id, ['1', '2', '3', '4', '5', '6']);
    const learner = await w.user('hasty');
    await enroll(w.t, w.manager, course.id, learner.id);
    const statuses = await Promise.all(items.map((item) => complete(learner, course.id, item).then((r) => r.status)));
    const completions = await w.t.db('courses_completions').where({ course_id: String(course.id), user_id: learner.id }).select('cycle');
    expect({ statuses, completions, state: (await myCourse(learner, course.id)).state })
      .to.deep.equal({ statuses: [201, 201, 201, 201, 201, 201], completions: [{ cycle: 1 }], state: 'completed' });
  });

  it('refuses the wrong learner, course, item, role, state and score', async () => {
    const course = await createCourse(w.t, w.manager);
    const other = await createCourse(w.t, w.manager);
    const [item] = await addItems(w.t, w.manager, course.id, ['1']);
    const [otherItem] = await addItems(w.t, w.manager, other.id, ['2']);
    const archived = await createCourse(w.t, w.manager);
    const [archivedItem] = await addItems(w.t, w.manager, archived.id, ['3']);
    const [learner, stranger, teacher] = [await w.user('learner'), await w.user('stranger', ['learner']), await w.user('teacher')];
    await enroll(w.t, w.manager, course.id, learner.id);
    await enroll(w.t, w.manager, archived.id, learner.id);
    await enroll(w.t, w.manager, course.id, teacher.id, { role: 'instructor' });
    await expectStatus(as(w.t, w.manager).post(`/api/v1/courses/${String(archived.id)}/archive`), 200);
    expect({
      notEnrolled: (await complete(stranger, course.id, item)).status,
      otherIdentity: (await w.t.as('sso:ann').post(`/api/v1/courses/${String(course.id)}/items/${item}/complete`).send({})).status,
      otherIdentityLists: [(await w.t.as('sso:ann').get('/api/v1/me/courses')).body.items, (await w.t.as('sso:ann').get('/my/courses')).status],
      itemOfOtherCourse: (await complete(learner, course.id, otherItem)).status,
      otherCourse: (await complete(learner, other.id, otherItem)).status,
      instructor: (await complete(teacher, course.id, item)).status,
      archived: (await complete(learner, archived.id, archivedItem)).status,
      score: (await complete(learner, course.id, item, { score: 101 })).body.errors,
      progressRows: Number((await w.t.db('courses_progress as p').join('courses_enrollments as e', 'e.id', 'p.enrollment_id').where('e.course_id', String(course.id)).count({ n: '*' }).first())?.n),
    }).to.deep.equal({
      notEnrolled: 403, otherIdentity: 403, otherIdentityLists: [[], 200], itemOfOtherCourse: 404, otherCourse: 403, instructor: 403, archived: 409,
      score: [{ path: 'body.score', message: 'must be <= 100' }], progressRows: 0,
    });
  });

  it('completes learners who did every other required item when the last one becomes optional or goes', async () => {
    const course = await createCourse(w.t, w.manager);
    const [a, b, c] = await addItems(w.t, w.manager, course.id, ['1', '2', '3']);
    const [section] = (await expectStatus(as(w.t, w.manager).get(`/api/v1/courses/${String(course.id)}/sections`), 200)).items as { id: string }[];
    const [done, notStarted] = [await w.user('done'), await w.user('idle')];
    for (const u of [done, notStarted]) await enroll(w.t, w.manager, course.id, u.id);
    await expectStatus(complete(done, course.id, a), 201);
    await expectStatus(as(w.t, w.manager).patch(`/api/v1/courses/${String(course.id)}/sections/${section.id}/items/${b}`, { required: false }), 200);
    const afterOptional = (await myCourse(done, course.id)).state;
    await expectStatus(as(w.t, w.manager).delete(`/api/v1/courses/${String(course.id)}/sections/${section.id}/items/${c}`), 204);
    expect([afterOptional, (await myCourse(done, course.id)).state, (await myCourse(notStarted, course.id)).state]).to.deep.equal(['in-progress', 'completed', 'not-started']);
  });

  it("shows instructors every learner's standing, learners only their own, and never drafts", async () => {
    const course = await createCourse(w.t, w.manager, { title: 'Visible course' });
    const draft = await createCourse(w.t, w.manager, { title: 'Draft course' }, false);
    const [item] = await addItems(w.t, w.manager, course.id, ['1', '2']);
    const [ann, ben, teacher] = [await w.user('ann'), await w.user('ben'), await w.user('teacher')];
    await enroll(w.t, w.manager, course.id, ann.id, { dueAt: '2029-12-31T00:00:00.000Z' });
    await enroll(w.t, w.manager, course.id, ben.id);
    await enroll(w.t, w.manager, draft.id, ann.id);
    await enroll(w.t, w.manager, course.id, teacher.id, { role: 'instructor' });
    await enroll(w.t, w.manager, draft.id, teacher.id, { role: 'instructor' });
    await expectStatus(complete(ben, course.id, item), 201);
    const progress = await expectStatus(as(w.t, teacher).get(`/api/v1/courses/${String(course.id)}/progress`), 200);
    const mine = async (who: Account) => ((await expectStatus(as(w.t, who).get('/api/v1/me/courses'), 200)).items as Mine[])
      .map((m) => [m.course.title, m.role, m.state, m.progress?.percent ?? null]);
    expect({
      progress: (progress.items as { email: string; state: string; progress: { percent: number } }[]).map((p) => [p.email, p.state, p.progress.percent]),
      annMine: await mine(ann),
      teacherMine: await mine(teacher),
      learnerSeesProgress: (await as(w.t, ann).get(`/api/v1/courses/${String(course.id)}/progress`)).status,
      learnerSeesEnrollments: (await as(w.t, ann).get(`/api/v1/courses/${String(course.id)}/enrollments`)).status,
      learnerSeesDraft: (await as(w.t, ann).get(`/api/v1/me/courses/${String(draft.id)}`)).status,
    }).to.deep.equal({
      progress: [[ann.email, 'overdue', 0], [ben.email, 'in-progress', 50]],
      annMine: [['Visible course', 'learner', 'overdue', 0]],
      teacherMine: [['Draft course', 'instructor', null, null], ['Visible course', 'instructor', null, null]],
      learnerSeesProgress: 403, learnerSeesEnrollments: 403, learnerSeesDraft: 404,
    });
  });

  it('exports a learner’s enrollments, progress and completions, and keeps them (nothing in them names the person) on erasure', async () => {
    const course = await createCourse(w.t, w.manager, { code: 'PRIV-1' });
    const [item] = await addItems(w.t, w.manager, course.id, ['1']);
    const [gone, stays] = [await w.user('gone'), await w.user('stays')];
    for (const u of [gone, stays]) {
      await enroll(w.t, w.manager, course.id, u.id);
      await expectStatus(complete(u, course.id, item), 201);
    }
    const provider = w.t.app.privacy.list().find((p) => p.plugin === 'courses')?.provider;
    const ctx = w.t.app.contextOf('courses');
    const exported = await provider?.export(gone.id, ctx) as Record<string, { code: string }[]>;
    await provider?.erase(gone.id, ctx);
    const left = async (userId: string) => [
      Number((await w.t.db('courses_enrollments').where({ user_id: userId }).count({ n: '*' }).first())?.n),
      Number((await w.t.db('courses_completions').where({ user_id: userId }).count({ n: '*' }).first())?.n),
    ];
    expect({
      exported: Object.fromEntries(Object.entries(exported).map(([k, rows]) => [k, rows.map((r) => r.code)])),
      gone: await left(gone.id), stays: await left(stays.id),
    }).to.deep.equal({
      exported: { enrollments: ['PRIV-1'], progress: ['PRIV-1'], completions: ['PRIV-1'] },
      gone: [1, 1], stays: [1, 1],
    });
  });
});
