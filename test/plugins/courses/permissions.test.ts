// Permissions and the audit trail: enrollment is what gives instructors their rights, so an instructor
// of one course can manage nothing in another; a role at a category reaches every course beneath it;
// default roles get the courses permissions; and every change leaves an audit record.
import { expect } from 'chai';
import { addItems, as, createCourse, enroll, expectStatus, letFind, useWorld } from './helpers';

describe('courses: permissions and audit', () => {
  const w = useWorld();

  it('lets the instructor of course A enroll and monitor in A but do nothing in course B', async () => {
    const [a, b] = [await createCourse(w.t, w.manager), await createCourse(w.t, w.manager)];
    const [teacher, learner] = [await w.user('teacher'), await w.user('learner')];
    await enroll(w.t, w.manager, a.id, teacher.id, { role: 'instructor' });
    await letFind(w.t, teacher);
    const cohort = await expectStatus(as(w.t, w.admin).post('/api/v1/cohorts', { name: 'Team' }), 201);
    const t = as(w.t, teacher);
    const tryAll = async (id: unknown) => [
      (await t.post(`/api/v1/courses/${String(id)}/enrollments`, { userId: learner.id })).status,
      (await t.get(`/api/v1/courses/${String(id)}/enrollments`)).status,
      (await t.get(`/api/v1/courses/${String(id)}/progress`)).status,
      (await t.post(`/api/v1/courses/${String(id)}/enrollments/cohort`, { cohortId: cohort.id })).status,
      (await w.t.post(`/api/v1/courses/${String(id)}/enrollments/import`).set(teacher.auth).set('Content-Type', 'text/csv').send(`email\n${learner.email}\n`)).status,
      (await t.post(`/api/v1/courses/${String(id)}/sections`, { title: 'S' })).status,
      (await t.delete(`/api/v1/courses/${String(id)}/enrollments/${learner.id}`)).status,
      (await t.delete(`/api/v1/courses/${String(id)}`)).status,
    ];
    const inA = await tryAll(a.id);
    const inB = await tryAll(b.id);
    await w.t.jobs.drain();
    expect({ inA, inB, create: (await t.post('/api/v1/courses', { title: 'Mine', code: 'MINE-1' })).status })
      .to.deep.equal({ inA: [201, 200, 200, 202, 202, 201, 204, 403], inB: [403, 403, 403, 403, 403, 403, 403, 403], create: 403 });
  });

  it('applies a role held at a category to every course beneath it, and to none elsewhere', async () => {
    const m = as(w.t, w.manager);
    const dept = await expectStatus(m.post('/api/v1/categories', { name: 'Logistics' }), 201);
    const team = await expectStatus(m.post('/api/v1/categories', { name: 'Drivers', parentId: dept.id }), 201);
    const inside = await createCourse(w.t, w.manager, { categoryId: team.id });
    const outside = await createCourse(w.t, w.manager);
    const head = await w.user('head-of-logistics', ['instructor'], { type: 'category', id: String(dept.id) });
    const learner = await w.user('driver');
    await letFind(w.t, head);
    const h = as(w.t, head);
    expect([
      (await h.post(`/api/v1/courses/${String(inside.id)}/enrollments`, { userId: learner.id })).status,
      (await h.post(`/api/v1/courses/${String(outside.id)}/enrollments`, { userId: learner.id })).status,
    ]).to.deep.equal([201, 403]);
  });

  it('gives the built-in roles their default courses permissions', async () => {
    const roles = await w.t.app.permissions.listRoles();
    const of = (key: string) => roles.find((r) => r.key === key)?.permissions.filter((p) => p.startsWith('courses:'));
    expect({ learner: of('learner'), instructor: of('instructor'), contentManager: of('content-manager'), support: of('support') }).to.deep.equal({
      learner: ['courses:view'],
      instructor: ['courses:enroll', 'courses:monitor', 'courses:update', 'courses:view'],
      contentManager: ['courses:create', 'courses:delete', 'courses:enroll', 'courses:manage', 'courses:monitor', 'courses:update', 'courses:view'],
      support: [],
    });
  });

  it('writes an audit record for every change, with the actor', async () => {
    const m = as(w.t, w.manager);
    const course = await createCourse(w.t, w.manager, { code: 'AUDIT-1' });
    const [item] = await addItems(w.t, w.manager, course.id, ['1']);
    const [section] = (await expectStatus(m.get(`/api/v1/courses/${String(course.id)}/sections`), 200)).items as { id: string }[];
    const learner = await w.user('audited');
    await enroll(w.t, w.manager, course.id, learner.id);
    await enroll(w.t, w.manager, course.id, learner.id, { dueAt: '2030-05-01T00:00:00.000Z' });
    await expectStatus(as(w.t, learner).post(`/api/v1/courses/${String(course.id)}/items/${item}/complete`), 201);
    await expectStatus(m.patch(`/api/v1/courses/${String(course.id)}/sections/${section.id}/items/${item}`, { title: 'Renamed' }), 200);
    await expectStatus(m.patch(`/api/v1/courses/${String(course.id)}/sections/${section.id}`, { title: 'Renamed' }), 200);
    await expectStatus(m.delete(`/api/v1/courses/${String(course.id)}/enrollments/${learner.id}`), 204);
    await expectStatus(m.patch(`/api/v1/courses/${String(course.id)}`, { enrollmentKey: 'secret' }), 200);
    await expectStatus(m.post(`/api/v1/courses/${String(course.id)}/archive`), 200);
    const audit = await expectStatus(as(w.t, w.admin).get(`/api/v1/audit?targetType=course&targetId=${String(course.id)}`), 200);
    const records = (audit.items as { action: string; actorId: string; details: Record<string, unknown> }[]).reverse();
    expect({
      trail: records.map((r) => `${r.action} by ${r.actorId === w.manager.id ? 'manager' : r.actorId === learner.id ? 'learner' : r.actorId}`),
      keyKeptOut: JSON.stringify(records).includes('secret'),
    }).to.deep.equal({
      trail: [
        'courses.course.create by manager', 'courses.course.publish by manager', 'courses.section.create by manager', 'courses.item.create by manager',
        'courses.enroll by manager', 'courses.enrollment.update by manager', 'courses.item.complete by learner', 'courses.complete by learner',
        'courses.item.update by manager', 'courses.section.update by manager', 'courses.unenroll by manager', 'courses.course.update by manager',
        'courses.course.archive by manager',
      ],
      keyKeptOut: false,
    });
  });
});
