// Whom an enroller may enroll (security review, finding 5): holding courses:enroll in a course is not a licence to
// look up every account. An instructor without auth's users:find may enroll only people they can already see —
// themselves and people enrolled in a course where they hold courses:enroll — and no cohort; by id, by email
// (form and CSV) and by cohort, an unknown account or cohort and one out of reach get the same refusal and
// nothing is written. With users:find (or users:view) enrolling anyone works.
import { expect } from 'chai';
import type { TestApp } from 'lectern';
import { login, type Account } from '../auth/helpers';
import { as, createCourse, enroll, expectStatus, letFind, useWorld } from './helpers';

type Body = Record<string, unknown>;

describe('courses: whom an enroller may enroll', () => {
  const w = useWorld();

  /** A course taught by a fresh instructor (enrolled by the manager), and the instructor. */
  async function taughtCourse(name: string): Promise<{ course: Body; teacher: Account }> {
    const course = await createCourse(w.t, w.manager);
    const teacher = await w.user(name);
    await enroll(w.t, w.manager, course.id, teacher.id, { role: 'instructor' });
    return { course, teacher };
  }

  const rowsOf = async (t: TestApp, courseId: unknown) =>
    (await t.db('courses_enrollments').where({ course_id: courseId }).orderBy('user_id').pluck('user_id')).map(String);
  const refusal = (body: Body) => [body.status, body.detail, body.errors];

  it('refuses an unknown account and one out of reach alike, by id, by email and by CSV, and writes nothing', async () => {
    const { course, teacher } = await taughtCourse('reach-teacher');
    const stranger = await w.user('stranger');
    const t = as(w.t, teacher);
    const base = `/api/v1/courses/${String(course.id)}/enrollments`;

    const byId = async (userId: string) => refusal(await expectStatus(t.post(base, { userId }), 400));
    const s = await login(w.t, teacher.email);
    const byEmail = async (email: string) => {
      const res = await w.t.post(`/admin/courses/${String(course.id)}/enrollments`).set('Cookie', s.cookie).type('form')
        .send({ email, role: 'learner', dueAt: '', _csrf: s.csrf });
      return [res.status, /<p class="field__error"[^>]*>([\s\S]*?)<\/p>/.exec(res.text)?.[1].replace(/<[^>]+>/g, '')];
    };
    const upload = await w.t.post(`${base}/import`).set(teacher.auth).set('Content-Type', 'text/csv')
      .send(['email', w.admin.email, 'nobody@example.com', stranger.email].join('\n'));
    await w.t.jobs.drain();
    const job = await expectStatus(t.get(`/api/v1/jobs/${String(upload.body.job?.id)}`), 200);

    const sameAnswer = (id: string) => [400, `user ${id} cannot be enrolled: it is not an account you can enroll`,
      [{ path: 'body.userId', message: 'is not an account you can enroll' }]];
    expect({
      admin: await byId(w.admin.id), unknown: await byId('999999'), stranger: await byId(stranger.id),
      formAdmin: await byEmail(w.admin.email), formUnknown: await byEmail('nobody@example.com'),
      csv: [upload.status, job.state, job.result],
      rows: await rowsOf(w.t, course.id),
    }).to.deep.equal({
      admin: sameAnswer(w.admin.id), unknown: sameAnswer('999999'), stranger: sameAnswer(stranger.id),
      formAdmin: [400, 'Error: Email of the account belongs to no account you can enroll'],
      formUnknown: [400, 'Error: Email of the account belongs to no account you can enroll'],
      csv: [202, 'completed', {
        enrolled: 0, updated: 0,
        failed: [2, 3, 4].map((line) => ({ line, error: 'no account you can enroll has this email' })),
      }],
      rows: [teacher.id],
    });
  });

  it('refuses an unknown cohort and an existing one alike to an enroller who may not find cohorts, and offers none', async () => {
    const { course, teacher } = await taughtCourse('cohort-teacher');
    const cohort = await expectStatus(as(w.t, w.admin).post('/api/v1/cohorts', { name: 'Board of directors' }), 201);
    await expectStatus(as(w.t, w.admin).put(`/api/v1/cohorts/${String(cohort.id)}/members/${w.admin.id}`), 204);
    const link = async (cohortId: string) =>
      refusal(await expectStatus(as(w.t, teacher).post(`/api/v1/courses/${String(course.id)}/enrollments/cohort`, { cohortId }), 400));
    const s = await login(w.t, teacher.email);
    const page = await w.t.get(`/admin/courses/${String(course.id)}/enrollments`).set('Cookie', s.cookie);
    await w.t.jobs.drain();
    const sameAnswer = (id: string) => [400, `cohort ${id} cannot be linked: it is not a cohort you can enroll`,
      [{ path: 'body.cohortId', message: 'is not a cohort you can enroll' }]];
    expect({
      existing: await link(String(cohort.id)), unknown: await link('999999'),
      offered: page.text.includes('Board of directors'),
      links: await w.t.db('courses_cohort_links').where({ course_id: course.id }).count({ n: '*' }).first(),
      rows: await rowsOf(w.t, course.id),
    }).to.deep.equal({
      existing: sameAnswer(String(cohort.id)), unknown: sameAnswer('999999'), offered: false, links: { n: 0 }, rows: [teacher.id],
    });
  });

  it('lets an instructor enroll themselves and the people of a course they enroll in, and no one else', async () => {
    const { course: a, teacher } = await taughtCourse('two-course-teacher');
    const b = await createCourse(w.t, w.manager);
    await enroll(w.t, w.manager, b.id, teacher.id, { role: 'instructor' });
    const [known, enrolledElsewhere] = [await w.user('known-learner'), await w.user('other-learner')];
    await enroll(w.t, w.manager, a.id, known.id);
    await enroll(w.t, w.manager, (await createCourse(w.t, w.manager)).id, enrolledElsewhere.id);
    const dept = await expectStatus(as(w.t, w.manager).post('/api/v1/categories', { name: 'Reach' }), 201);
    const inDept = await createCourse(w.t, w.manager, { categoryId: dept.id });
    const head = await w.user('head-of-reach', ['instructor'], { type: 'category', id: String(dept.id) });
    const post = (who: Account, courseId: unknown, body: Body) => as(w.t, who).post(`/api/v1/courses/${String(courseId)}/enrollments`, body);
    const listed = async (courseId: unknown) =>
      ((await expectStatus(as(w.t, teacher).get(`/api/v1/courses/${String(courseId)}/enrollments`), 200)).items as { email: string }[]).map((e) => e.email).sort();
    expect({
      knownIntoB: (await post(teacher, b.id, { userId: known.id })).status,
      knownDueDate: (await post(teacher, a.id, { userId: known.id, dueAt: '2030-05-01T00:00:00.000Z' })).status,
      enrolledElsewhere: (await post(teacher, b.id, { userId: enrolledElsewhere.id })).status,
      headSelf: (await post(head, inDept.id, { userId: head.id })).status,
      headOther: (await post(head, inDept.id, { userId: known.id })).status,
      listedB: await listed(b.id),
    }).to.deep.equal({
      knownIntoB: 201, knownDueDate: 200, enrolledElsewhere: 400, headSelf: 201, headOther: 400,
      listedB: [known.email, teacher.email].sort(),
    });
  });

  it('lets an enroller holding users:find enroll anyone by id, email, CSV and cohort; content managers hold it by default', async () => {
    const { course, teacher } = await taughtCourse('finder-teacher');
    await letFind(w.t, teacher);
    const [byId, byCsv, inCohort] = [await w.user('found-by-id'), await w.user('found-by-csv'), await w.user('found-in-cohort')];
    const cohort = await expectStatus(as(w.t, w.admin).post('/api/v1/cohorts', { name: 'Found team' }), 201);
    await expectStatus(as(w.t, w.admin).put(`/api/v1/cohorts/${String(cohort.id)}/members/${inCohort.id}`), 204);
    const t = as(w.t, teacher);
    const base = `/api/v1/courses/${String(course.id)}/enrollments`;
    const statuses = [
      (await t.post(base, { userId: byId.id })).status,
      (await w.t.post(`${base}/import`).set(teacher.auth).set('Content-Type', 'text/csv').send(`email\n${byCsv.email}\n`)).status,
      (await t.post(`${base}/cohort`, { cohortId: cohort.id })).status,
    ];
    await w.t.jobs.drain();
    const roles = await w.t.app.permissions.listRoles();
    const holders = roles.filter((r) => r.permissions.includes('users:find')).map((r) => r.key);
    expect({ statuses, rows: await rowsOf(w.t, course.id), holders }).to.deep.equal({
      statuses: [201, 202, 202],
      rows: [teacher.id, byId.id, byCsv.id, inCohort.id].sort((x, y) => Number(x) - Number(y)),
      holders: ['admin', 'content-manager', 'finder'],
    });
  });
});
