// Enrollment: one user at a time (with roles and due dates), refusals of unknown and deactivated users,
// unenrollment, self-enrollment with a key, cohorts that keep enrolling their later members, and the CSV
// import job with per-line errors and whole-file refusals that stage nothing.
import { expect } from 'chai';
import { as, createCourse, enroll, eventNames, expectStatus, useWorld } from './helpers';
import type { Account } from '../auth/helpers';

type Listed = { userId: string; role: string; source: string; dueAt: string | null; email: string };

describe('courses: enrollment', () => {
  const w = useWorld();

  const listed = async (courseId: unknown) =>
    ((await expectStatus(as(w.t, w.manager).get(`/api/v1/courses/${String(courseId)}/enrollments?limit=200`), 200)).items as Listed[])
      .map((e) => `${e.email}:${e.role}:${e.source}${e.dueAt ? `:${e.dueAt.slice(0, 10)}` : ''}`).sort();

  it('enrolls a learner, changes their due date and role, and gives the role at the course', async () => {
    const course = await createCourse(w.t, w.manager);
    const other = await createCourse(w.t, w.manager);
    const person = await w.user('person');
    const p = as(w.t, person);
    const before = (await p.get(`/api/v1/courses/${String(course.id)}`)).status;
    const first = await as(w.t, w.manager).post(`/api/v1/courses/${String(course.id)}/enrollments`, { userId: person.id });
    const asLearner = [(await p.get(`/api/v1/courses/${String(course.id)}`)).status, (await p.patch(`/api/v1/courses/${String(course.id)}`, { summary: 'x' })).status];
    const again = await as(w.t, w.manager).post(`/api/v1/courses/${String(course.id)}/enrollments`, { userId: person.id, dueAt: '2030-02-01T00:00:00.000Z' });
    await enroll(w.t, w.manager, course.id, person.id, { role: 'instructor' }); // an omitted due date is kept
    const asInstructor = [
      (await p.patch(`/api/v1/courses/${String(course.id)}`, { summary: 'by the instructor' })).status,
      (await p.get(`/api/v1/courses/${String(other.id)}`)).status,
    ];
    const roles = await w.t.app.permissions.listAssignments({ userId: person.id });
    expect({
      before, first: [first.status, first.body.role, first.body.state], asLearner, again: [again.status, again.body.dueAt], asInstructor,
      roles: roles.map((a) => `${a.role}@${a.context.type}:${a.context.id}`),
      listed: await listed(course.id),
    }).to.deep.equal({
      before: 403, first: [201, 'learner', 'not-started'], asLearner: [200, 403], again: [200, '2030-02-01T00:00:00.000Z'],
      asInstructor: [200, 403],
      roles: [`instructor@course:${String(course.id)}`],
      listed: [`${person.email}:instructor:manual:2030-02-01`],
    });
  });

  it('refuses unknown and deactivated users with a 400 naming them, and writes nothing', async () => {
    const course = await createCourse(w.t, w.manager);
    const gone = await w.user('gone');
    await expectStatus(as(w.t, w.admin).post(`/api/v1/users/${gone.id}/deactivate`), 200);
    const m = as(w.t, w.manager);
    const unknown = await expectStatus(m.post(`/api/v1/courses/${String(course.id)}/enrollments`, { userId: '999999' }), 400);
    const deactivated = await expectStatus(m.post(`/api/v1/courses/${String(course.id)}/enrollments`, { userId: gone.id }), 400);
    const badRole = await expectStatus(m.post(`/api/v1/courses/${String(course.id)}/enrollments`, { userId: gone.id, role: 'owner' }), 400);
    expect({
      unknown: [unknown.detail, unknown.errors], deactivated: [deactivated.detail, deactivated.errors],
      badRole: (badRole.errors as { path: string }[])[0].path, rows: await listed(course.id),
    }).to.deep.equal({
      unknown: ['user 999999 cannot be enrolled: it is not an account you can enroll', [{ path: 'body.userId', message: 'is not an account you can enroll' }]],
      deactivated: [`user ${gone.id} cannot be enrolled: the user is deactivated`, [{ path: 'body.userId', message: 'is deactivated' }]],
      badRole: 'body.role', rows: [],
    });
  });

  it('unenrolls: the role goes, the record stays, and the events tell other plugins', async () => {
    const course = await createCourse(w.t, w.manager);
    const person = await w.user('leaver');
    const from = w.events.length;
    await enroll(w.t, w.manager, course.id, person.id);
    await expectStatus(as(w.t, w.manager).delete(`/api/v1/courses/${String(course.id)}/enrollments/${person.id}`), 204);
    const twice = (await as(w.t, w.manager).delete(`/api/v1/courses/${String(course.id)}/enrollments/${person.id}`)).status;
    const row = await w.t.db('courses_enrollments').where({ course_id: course.id, user_id: person.id }).first('status');
    expect({
      twice, access: (await as(w.t, person).get(`/api/v1/courses/${String(course.id)}`)).status, row: row.status, listed: await listed(course.id),
      events: eventNames(w.events, from), unenrolled: w.events[w.events.length - 1].payload,
    }).to.deep.equal({
      twice: 404, access: 403, row: 'unenrolled', listed: [],
      events: ['courses.enrolled', 'courses.unenrolled'], unenrolled: { courseId: String(course.id), userId: person.id, role: 'learner' },
    });
  });

  it('lets users enroll themselves only where the course allows it, with its key', async () => {
    const open = await createCourse(w.t, w.manager, { selfEnrollment: true });
    const keyed = await createCourse(w.t, w.manager, { selfEnrollment: true, enrollmentKey: 'sesame' });
    const closed = await createCourse(w.t, w.manager);
    const draft = await createCourse(w.t, w.manager, { selfEnrollment: true }, false);
    const person = await w.user('self');
    const p = as(w.t, person);
    const self = (id: unknown, body = {}) => p.post(`/api/v1/courses/${String(id)}/self-enroll`, body);
    expect({
      open: (await self(open.id)).status, openAgain: (await self(open.id)).status,
      closed: (await self(closed.id)).status, draft: (await self(draft.id)).status,
      noKey: (await self(keyed.id)).body.errors, wrongKey: (await self(keyed.id, { key: 'open' })).body.errors,
      rightKey: (await self(keyed.id, { key: 'sesame' })).status,
      listed: [await listed(open.id), await listed(keyed.id)],
    }).to.deep.equal({
      open: 201, openAgain: 200, closed: 403, draft: 404,
      noKey: [{ path: 'body.key', message: 'is required' }], wrongKey: [{ path: 'body.key', message: 'does not match' }],
      rightKey: 201,
      listed: [[`${person.email}:learner:self`], [`${person.email}:learner:self`]],
    });
  });

  it('enrolls a cohort, follows its later members while linked, and stops when unlinked', async () => {
    const course = await createCourse(w.t, w.manager);
    const a = as(w.t, w.admin);
    const cohort = await expectStatus(a.post('/api/v1/cohorts', { name: 'Warehouse' }), 201);
    const member = (user: Account) => expectStatus(a.put(`/api/v1/cohorts/${String(cohort.id)}/members/${user.id}`), 204);
    const [early, inactive, later, leaver, afterUnlink] = [await w.user('early'), await w.user('inactive'), await w.user('later'), await w.user('leaver'), await w.user('unlinked')];
    for (const u of [early, inactive, leaver]) await member(u);
    await expectStatus(a.post(`/api/v1/users/${inactive.id}/deactivate`), 200);

    const linked = await as(w.t, w.manager).post(`/api/v1/courses/${String(course.id)}/enrollments/cohort`, { cohortId: cohort.id, dueAt: '2030-03-01T00:00:00.000Z' });
    await w.t.jobs.drain();
    const job = await expectStatus(as(w.t, w.manager).get(String(linked.headers.location)), 200);
    const initially = await listed(course.id);
    await member(later);
    await expectStatus(a.delete(`/api/v1/cohorts/${String(cohort.id)}/members/${leaver.id}`), 204);
    await w.t.jobs.drain();
    const following = await listed(course.id);
    const links = async () => ((await expectStatus(as(w.t, w.manager).get(`/api/v1/courses/${String(course.id)}/enrollments/cohorts`), 200)).items as { cohortId: string; dueAt: string }[])
      .map((l) => `${l.cohortId}:${l.dueAt}`);
    const linksBefore = await links();
    await expectStatus(as(w.t, w.manager).delete(`/api/v1/courses/${String(course.id)}/enrollments/cohorts/${String(cohort.id)}`), 204);
    await member(afterUnlink);
    await w.t.jobs.drain();
    const unknownCohort = await expectStatus(as(w.t, w.manager).post(`/api/v1/courses/${String(course.id)}/enrollments/cohort`, { cohortId: '999999' }), 400);
    expect({ status: linked.status, job: [job.state, job.result], initially, following, unlinked: await listed(course.id), unknownCohort: unknownCohort.errors, links: [linksBefore, await links()] }).to.deep.equal({
      status: 202,
      links: [[`${String(cohort.id)}:2030-03-01T00:00:00.000Z`], []],
      job: ['completed', { enrolled: 2, skipped: 1 }],
      initially: [`${early.email}:learner:cohort:2030-03-01`, `${leaver.email}:learner:cohort:2030-03-01`],
      following: [`${early.email}:learner:cohort:2030-03-01`, `${later.email}:learner:cohort:2030-03-01`],
      unlinked: [`${early.email}:learner:cohort:2030-03-01`, `${later.email}:learner:cohort:2030-03-01`],
      unknownCohort: [{ path: 'body.cohortId', message: 'is not a cohort you can enroll' }],
    });
  });

  describe('CSV import', () => {
    const upload = (courseId: unknown, body: string | Buffer, who = w.manager) =>
      w.t.post(`/api/v1/courses/${String(courseId)}/enrollments/import`).set(who.auth).set('Content-Type', 'text/csv').send(body);

    it('enrolls good lines and reports bad ones by line, in a job', async () => {
      const course = await createCourse(w.t, w.manager);
      const [ann, bob, cid, dee] = [await w.user('ann'), await w.user('bob'), await w.user('cid'), await w.user('dee')];
      await expectStatus(as(w.t, w.admin).post(`/api/v1/users/${dee.id}/deactivate`), 200);
      await enroll(w.t, w.manager, course.id, bob.id);
      const csv = [
        'Email,Role,dueAt',
        `${ann.email},,2030-06-30`,
        `${bob.email.toUpperCase()},instructor,`,
        'nobody@example.com,learner,',
        `${cid.email},owner,`,
        `${cid.email},learner,next week`,
        `${dee.email},learner,`,
        '',
        `"${cid.email}",learner,2030-07-01T12:00:00Z`,
      ].join('\r\n');
      const res = await upload(course.id, csv);
      await w.t.jobs.drain();
      const job = await expectStatus(as(w.t, w.manager).get(`/api/v1/jobs/${String(res.body.job?.id)}`), 200);
      const staged = await w.t.db('courses_import_rows').count({ n: '*' }).first();
      expect({ status: res.status, state: job.state, result: job.result, listed: await listed(course.id), staged: Number(staged?.n) }).to.deep.equal({
        status: 202, state: 'completed',
        result: {
          enrolled: 2, updated: 1,
          failed: [
            { line: 4, error: 'no account you can enroll has this email' }, { line: 5, error: 'role must be learner or instructor' },
            { line: 6, error: 'dueAt must be an ISO 8601 date, e.g. 2030-01-31' }, { line: 7, error: 'the user is deactivated' },
          ],
        },
        listed: [`${ann.email}:learner:import:2030-06-30`, `${bob.email}:instructor:manual`, `${cid.email}:learner:import:2030-07-01`].sort(),
        staged: 0,
      });
    });

    it('refuses a wrong header, bad encoding, malformed CSV, no rows and too large a file, staging nothing', async () => {
      const course = await createCourse(w.t, w.manager);
      const imports = async () => Number((await w.t.db('courses_imports').where({ course_id: course.id }).count({ n: '*' }).first())?.n);
      const refuse = async (body: string | Buffer) => {
        const res = await upload(course.id, body);
        return [res.status, res.body.detail];
      };
      await expectStatus(as(w.t, w.admin).patch('/api/v1/settings/courses', { importMaxBytes: 1024 }), 200);
      const tooLarge = await refuse(`email\n${'someone@example.com\n'.repeat(60)}`);
      await expectStatus(as(w.t, w.admin).patch('/api/v1/settings/courses', { importMaxBytes: 5_242_880 }), 200);
      expect({
        header: await refuse('mail,role\na@example.com,learner\n'),
        missingEmail: await refuse('role\nlearner\n'),
        latin1: await refuse(Buffer.from('email\nj\xf6rg@example.com\n', 'latin1')),
        malformed: await refuse('email,role\n"a@example.com,learner\n'),
        ragged: await refuse('email,role\na@example.com,learner,extra\n'),
        empty: await refuse(''),
        headerOnly: await refuse('email\n'),
        tooLarge,
        json: (await w.t.post(`/api/v1/courses/${String(course.id)}/enrollments/import`).set(w.manager.auth).send({ email: 'a@example.com' })).status,
        imports: await imports(),
      }).to.deep.equal({
        header: [400, 'The first line must name the columns: email[,role][,dueAt]. Unknown: "mail".'],
        missingEmail: [400, 'The first line must name the columns: email[,role][,dueAt]. The email column is missing.'],
        latin1: [400, 'The file is not UTF-8 text (an invalid byte sequence). Save it as "CSV UTF-8" and upload it again.'],
        malformed: [400, 'Line 2: a quoted field is never closed.'],
        ragged: [400, 'Line 2: 3 fields, but the header has 2.'],
        empty: [400, 'The file is empty: its first line must name the columns (email[,role][,dueAt]), and data lines follow.'],
        headerOnly: [400, 'The file has a header but no data lines.'],
        tooLarge: [413, 'The file is larger than 1 KB (the courses setting importMaxBytes). Split it, or ask an administrator to raise the limit.'],
        json: 415,
        imports: 0,
      });
    });
  });
});
