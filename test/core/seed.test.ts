// `lectern seed` through the real core and bundled plugins: a small organization whose counts follow the plan,
// whose enrollments all point at real people and courses, whose items are lessons a learner opens, which
// holds a recertification cycle, whose completion report agrees with the seeded completions, and whose demo
// learner signs in to their courses;
// seeding it again is refused, as is a first administrator at a seeded address, and known passwords beside
// an administrator already in use. The command line's wiring (and `lectern demo`) is tried by hand.
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';
import { DEMO_PASSWORD, seedOrganization } from '../../core/seed';
import { hashPassword } from '../../plugins/auth/passwords';

describe('lectern seed', function () {
  this.timeout(120_000);
  let t: TestApp;
  before(async () => { t = await createTestApp({ plugins: ['auth', 'courses', 'content', 'reporting'] }); });
  after(() => t.close());

  const plan = { users: 30, courses: 6, cohorts: 2, categories: 3, password: DEMO_PASSWORD };
  const rows = async <R>(sql: string): Promise<R[]> => ((await t.db.raw(sql)) as { rows: R[] }).rows;
  const tokenOf = async (email: string) => {
    const res = await t.post('/api/v1/auth/tokens').send({ email, password: DEMO_PASSWORD });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return `Bearer ${(res.body as { token: string }).token}`;
  };

  it('makes a coherent organization whose reports and home page agree with it, and refuses to seed twice', async () => {
    await seedOrganization(t.app, plan);
    const [counts] = await rows<Record<string, number>>(`select
      (select count(*)::int from auth_users) as users, (select count(*)::int from auth_cohorts) as cohorts,
      (select count(*)::int from courses_categories) as categories, (select count(*)::int from courses_courses where not is_template) as courses,
      (select count(*)::int from courses_enrollments e where not exists (select 1 from auth_users u where u.id = e.user_id)
        or not exists (select 1 from courses_courses c where c.id = e.course_id and not c.is_template)) as "orphan enrollments",
      (select count(*)::int from courses_completions k where k.expired_at is not null and exists
        (select 1 from courses_completions n where n.enrollment_id = k.enrollment_id and n.cycle > k.cycle)) as "recertified"`);

    const completed = await rows<{ course_id: string; n: number }>(`select c.id::text as course_id, count(e.completed_at)::int as n
      from courses_courses c left join courses_enrollments e on e.course_id = c.id and e.role = 'learner'
      where c.status = 'published' and not c.is_template group by c.id order by c.id`);
    const admin = await tokenOf('admin@example.com');
    const reported: Record<string, number> = {};
    for (const { course_id: id } of completed) {
      const res = await t.get(`/api/v1/reports/course-completion?courseId=${id}`).set('Authorization', admin);
      reported[id] = (res.body as { summary: { completed: number } }).summary.completed;
    }

    const learner = await tokenOf('learner@example.com');
    const mine = await t.get('/api/v1/me/courses').set('Authorization', learner);
    const enrolledIn = await rows<{ id: string }>(`select e.course_id::text as id from courses_enrollments e
      join auth_users u on u.id = e.user_id where u.email = 'learner@example.com' order by e.course_id`);
    const [lesson] = await rows<{ course_id: string; id: string; title: string }>(`select i.course_id::text, i.id::text, i.title
      from courses_items i join courses_enrollments e on e.course_id = i.course_id join auth_users u on u.id = e.user_id
      where u.email = 'learner@example.com' order by i.id desc limit 1`);
    const opened = await t.get(`/api/v1/courses/${lesson.course_id}/items/${lesson.id}/view`).set('Authorization', learner);
    const [placed] = await rows<{ placeholders: number }>(`select count(*)::int as placeholders from courses_items where content_id not like 'content:%'`);
    const again = await seedOrganization(t.app, plan).then(() => 'seeded again', (err: Error) => err.message);

    expect({
      counts: { ...counts, recertified: counts.recertified > 0 },
      reported,
      myCourses: (mine.body as { items: { course: { id: string } }[] }).items.map((i) => i.course.id).sort(),
      again,
      lesson: { status: opened.status, title: (opened.body as { content?: { title: string } }).content?.title, placeholders: placed.placeholders },
    }).to.deep.equal({
      counts: { users: plan.users + 1, cohorts: plan.cohorts, categories: plan.categories, courses: plan.courses, 'orphan enrollments': 0, recertified: true },
      reported: Object.fromEntries(completed.map((c) => [c.course_id, c.n])),
      myCourses: enrolledIn.map((e) => e.id).sort(),
      again: 'LECTERN_SEED_REFUSED: the database already has 31 accounts; seed only a new one',
      lesson: { status: 200, title: lesson.title, placeholders: 0 },
    });
    expect(enrolledIn).to.have.length.above(0);
  });

  it('refuses, writing nothing, an administrator at a seeded address, and known passwords beside an administrator in use', async () => {
    const fresh = await createTestApp({ plugins: ['auth'] });
    try {
      const seed = (password: string | null) => seedOrganization(fresh.app, { ...plan, password }).then(() => 'seeded', (err: Error) => err.message);
      const password = 'the first administrator chose this';
      const hash = await hashPassword(password);
      const [admin] = await fresh.db('auth_users').update({ email: 'admin@example.com', password_hash: hash }).returning('id');
      await fresh.db('auth_initial_passwords').where({ user_id: admin.id }).update({ password_hash: hash });
      const clash = await seed(null);
      await fresh.db('auth_users').update({ email: 'owner@example.com' });
      const token = await fresh.post('/api/v1/auth/tokens').send({ email: 'owner@example.com', password });
      const used = await seed(DEMO_PASSWORD);
      expect({ clash, token: token.status, used, accounts: await fresh.db('auth_users').pluck('email') }).to.deep.equal({
        clash: 'LECTERN_SEED_CONFLICT: the administrator\'s address admin@example.com is one the seed gives its own accounts; set LECTERN_ADMIN_EMAIL to another address',
        token: 201,
        used: 'LECTERN_SEED_REFUSED: the administrator owner@example.com has already used this system; accounts with a known password are seeded only on a new database',
        accounts: ['owner@example.com'],
      });
    } finally {
      await fresh.close();
    }
  });
});
