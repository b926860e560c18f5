// Helpers for the content tests: a test app with auth, courses and content on a clock the tests
// drive; personas for each role; and short-hands to make content, publish it and place it in a course.
import { expect } from 'chai';
import { createTestApp, type Persona, type TestApp } from 'lectern';

export interface Clock { now(): Date; advanceDays(days: number): void }

export interface ContentWorld {
  t: TestApp; clock: Clock;
  admin: Persona; author: Persona; approver: Persona; manager: Persona; learner: Persona;
  close(): Promise<void>;
}

export async function contentWorld(settings: Record<string, unknown> = {}): Promise<ContentWorld> {
  let now = new Date('2030-01-01T09:00:00.000Z');
  const clock = { now: () => now, advanceDays: (days: number) => { now = new Date(now.getTime() + days * 86_400_000); } };
  const t = await createTestApp({ plugins: ['auth', 'courses', 'content'], clock: clock.now, settings: { content: settings } });
  return {
    t, clock,
    admin: await t.persona('admin', 'admin'),
    author: await t.persona('author', 'content-author'),
    approver: await t.persona('approver', 'content-approver'),
    manager: await t.persona('manager', 'content-manager'),
    learner: await t.persona('learner'),
    close: () => t.close(),
  };
}

/** One world for the enclosing describe block. */
export function useContentWorld(settings: Record<string, unknown> = {}): ContentWorld {
  const w = {} as ContentWorld;
  before(async function () {
    this.timeout(60_000);
    Object.assign(w, await contentWorld(settings));
  });
  after(() => w.close?.());
  return w;
}

type Body = Record<string, unknown>;

export async function expectOk<T = Body>(test: PromiseLike<{ status: number; body: unknown }>, status: number): Promise<T> {
  const res = await test;
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  return res.body as T;
}

/** Creates content as the author, submits it and has the approver publish it. */
export async function published(w: ContentWorld, input: Body): Promise<Body & { id: string }> {
  const created = await expectOk<{ id: string }>(w.author.post('/api/v1/content').send(input), 201);
  await expectOk(w.author.post(`/api/v1/content/${created.id}/submit`), 200);
  return expectOk(w.approver.post(`/api/v1/content/${created.id}/approve`), 200);
}

/** A published course with one section holding these content ids, and `learner` enrolled in it. */
export async function courseWith(w: ContentWorld, contentIds: string[], code: string): Promise<{ id: string; items: string[] }> {
  const course = await expectOk<{ id: string }>(w.manager.post('/api/v1/courses').send({ title: `Course ${code}`, code }), 201);
  const section = await expectOk<{ id: string }>(w.manager.post(`/api/v1/courses/${course.id}/sections`).send({ title: 'Week 1' }), 201);
  const items: string[] = [];
  for (const id of contentIds) {
    const item = await expectOk<{ id: string }>(w.manager.post(`/api/v1/courses/${course.id}/sections/${section.id}/items`).send({ contentId: `content:${id}` }), 201);
    items.push(item.id);
  }
  await expectOk(w.manager.post(`/api/v1/courses/${course.id}/publish`), 200);
  await expectOk(w.manager.post(`/api/v1/courses/${course.id}/enrollments`).send({ userId: w.learner.id }), 201);
  return { id: course.id, items };
}
