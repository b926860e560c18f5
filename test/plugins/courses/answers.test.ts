// Answers kept in memory stay current: the catalog, each person's course list and permission checks
// change at once on the instance that made the change and within a second on another instance (one
// that polls for revisions only once a minute, so only change notices can reach it); and item
// completions written in batches count every item exactly once.
import { expect } from 'chai';
import { Answers, createTestApp, type TestApp } from 'lectern';
import { eventually } from '../../core/helpers';
import { addItems, as, createCourse, enroll, expectStatus, fixturePlugin, useWorld } from './helpers';
import type { Account } from '../auth/helpers';

type Page = { items: { id: string; title?: string; course?: { id: string; title: string }; progress?: { itemsDone: number } | null }[] };

describe('courses: answers kept in memory', () => {
  const w = useWorld();

  it('shows changes to courses, enrollments, progress and roles at once here and within a second on another instance', async () => {
    const second = await createTestApp({ plugins: ['auth', 'courses', fixturePlugin([])], shareWith: w.t, clock: () => w.clock.now(), config: { syncIntervalMs: 60_000 } });
    try {
      const learner = await w.user('reader', ['learner']);
      const teacher = await w.user('teacher');
      const shown = await createCourse(w.t, w.manager, { title: 'Zz shown' });
      const hidden = await createCourse(w.t, w.manager, { title: 'Zz hidden' }, false);
      const [item] = await addItems(w.t, w.manager, shown.id, ['1']);
      const catalog = async (app: TestApp) => ((await expectStatus(as(app, learner).get('/api/v1/courses?q=Zz'), 200)) as Page).items.map((c) => c.title);
      const mine = async (app: TestApp, who: Account = learner) => ((await expectStatus(as(app, who).get('/api/v1/me/courses'), 200)) as Page).items
        .map((e) => [e.course?.title, e.progress?.itemsDone ?? null]);
      const progressStatus = async (app: TestApp) => (await as(app, teacher).get(`/api/v1/courses/${String(shown.id)}/progress`)).status;
      /** ms until `check` holds (the instance that made the change must show it at the first look). */
      const until = (check: () => Promise<boolean>) => eventually(check, 3000, 5);

      // Warm every answer on both instances first.
      for (const app of [w.t, second]) {
        expect(await catalog(app)).to.deep.equal(['Zz shown']);
        expect(await mine(app)).to.deep.equal([]);
        expect(await progressStatus(app)).to.equal(403);
      }
      const seen: Record<string, [boolean, number]> = {};
      const record = async (name: string, check: (app: TestApp) => Promise<boolean>) => {
        const here = await check(w.t);
        const elsewhere = await until(() => check(second));
        seen[name] = [here, elsewhere < 1000 ? 0 : elsewhere];
      };

      await expectStatus(as(w.t, w.manager).post(`/api/v1/courses/${String(hidden.id)}/publish`), 200);
      await record('published', async (app) => (await catalog(app)).length === 2);
      await enroll(w.t, w.manager, shown.id, learner.id);
      await record('enrolled', async (app) => (await mine(app)).length === 1);
      await expectStatus(as(w.t, learner).post(`/api/v1/courses/${String(shown.id)}/items/${item}/complete`), 201);
      await record('completed', async (app) => (await mine(app))[0]?.[1] === 1);
      await expectStatus(as(w.t, w.manager).patch(`/api/v1/courses/${String(shown.id)}`, { title: 'Zz renamed' }), 200);
      await record('renamed', async (app) => (await mine(app))[0]?.[0] === 'Zz renamed' && (await catalog(app)).includes('Zz renamed'));
      await enroll(w.t, w.manager, shown.id, teacher.id, { role: 'instructor' });
      await record('instructor', async (app) => (await progressStatus(app)) === 200);
      await expectStatus(as(w.t, w.manager).delete(`/api/v1/courses/${String(shown.id)}/enrollments/${learner.id}`), 204);
      await record('unenrolled', async (app) => (await mine(app)).length === 0);

      expect(seen, 'per change: [shown at once here, ms until shown on the other instance (0 = under a second)]').to.deep.equal({
        published: [true, 0], enrolled: [true, 0], completed: [true, 0], renamed: [true, 0], instructor: [true, 0], unenrolled: [true, 0],
      });
    } finally {
      await second.close();
    }
  });

  it('records completions that arrive together once each, with their counts, audit records and events', async () => {
    const course = await createCourse(w.t, w.manager);
    const items = await addItems(w.t, w.manager, course.id, ['1', '2', '3'], ['3']);
    const learners = [await w.user('a'), await w.user('b'), await w.user('c'), await w.user('d')];
    for (const l of learners) await enroll(w.t, w.manager, course.id, l.id);
    const from = w.events.length;
    // Every learner completes every item twice, all at the same moment.
    const asked = learners.flatMap((l) => [...items, ...items].map((item) => ({ l, item })));
    const answers = await Promise.all(asked.map(({ l, item }) => as(w.t, l).post(`/api/v1/courses/${String(course.id)}/items/${item}/complete`)));
    const firsts = new Map<string, number>();
    answers.forEach((res, i) => {
      const key = `${asked[i].l.id}:${asked[i].item}`;
      if (res.status === 201) firsts.set(key, (firsts.get(key) ?? 0) + 1);
      else expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 409]); // 409: recorded by a concurrent batch
    });
    const enrollments = await w.t.db('courses_enrollments').where({ course_id: String(course.id) }).orderBy('user_id').select('items_done', 'required_done', 'completed_at');
    const audited = await w.t.db('core_audit').where({ action: 'courses.item.complete', target_id: String(course.id) }).count({ n: '*' }).first();
    expect({
      recordedOnce: [...firsts.values()].every((n) => n === 1) && firsts.size === 12,
      counters: enrollments.map((e: { items_done: number; required_done: number; completed_at: unknown }) => [e.items_done, e.required_done, e.completed_at !== null]),
      completions: Number((await w.t.db('courses_completions').where({ course_id: String(course.id) }).count({ n: '*' }).first())?.n),
      audited: Number(audited?.n),
      events: w.events.slice(from).filter((e) => e.name === 'courses.itemCompleted').length,
    }).to.deep.equal({ recordedOnce: true, counters: Array(4).fill([3, 2, true]), completions: 4, audited: 12, events: 12 });
  });

  it('keeps a bounded number of answers, shares a read in progress, and forgets failed reads', async () => {
    const answers = new Answers(3, 2);
    let reads = 0;
    const read = (value: string) => async () => { reads += 1; return value; };
    const [a, b] = await Promise.all([answers.get('ann', 'page1', read('a')), answers.get('ann', 'page1', read('never'))]);
    await answers.get('ann', 'page2', read('a2'));
    await answers.get('bob', 'page1', read('b'));
    await answers.get('cy', 'page1', read('c')); // 4 answers would be one too many: ann's group (the oldest) goes
    const failed = await answers.get('dee', 'page1', () => Promise.reject(new Error('db down'))).catch((err: Error) => err.message);
    const before = reads;
    const again = await Promise.all([answers.get('ann', 'page1', read('a-again')), answers.get('bob', 'page1', read('b-again')), answers.get('dee', 'page1', read('d'))]);
    expect({ shared: [a, b], failed, again, rereads: reads - before }).to.deep.equal({
      shared: ['a', 'a'], failed: 'db down', again: ['a-again', 'b', 'd'], rereads: 2,
    });
  });
});
