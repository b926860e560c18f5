// Helpers for the reporting tests: an app with auth, courses, content and reporting on a clock the tests
// drive, and published courses made through the API (each item a published content page).
import { expect } from 'chai';
import { createTestApp, type Persona, type TestApp } from 'lectern';

export async function ok<T = Record<string, unknown>>(test: PromiseLike<{ status: number; body: unknown }>, status = 200): Promise<T> {
  const res = await test;
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  return res.body as T;
}

export interface ReportingWorld {
  t: TestApp; admin: Persona;
  clock: { now(): Date; set(iso: string): void };
  /** A published course of `items` required page items. */
  courseOf(code: string, opts?: { items?: number; recertifyAfterDays?: number }): Promise<{ id: string; items: string[] }>;
}

export async function reportingWorld(opts: { shareWith?: TestApp } = {}): Promise<ReportingWorld> {
  let now = new Date('2030-03-01T09:00:00.000Z');
  const clock = { now: () => now, set: (iso: string) => { now = new Date(iso); } };
  const t = await createTestApp({
    plugins: ['auth', 'courses', 'content', 'reporting'], clock: clock.now, shareWith: opts.shareWith,
    settings: { content: { allowSelfApproval: true } },
  });
  const admin = await t.persona('admin', 'admin');
  async function courseOf(code: string, o: { items?: number; recertifyAfterDays?: number } = {}) {
    const c = await ok<{ id: string }>(admin.post('/api/v1/courses').send({ title: `Course ${code}`, code, ...(o.recertifyAfterDays ? { recertifyAfterDays: o.recertifyAfterDays } : {}) }), 201);
    const s = await ok<{ id: string }>(admin.post(`/api/v1/courses/${c.id}/sections`).send({ title: 'One' }), 201);
    const items: string[] = [];
    for (let n = 1; n <= (o.items ?? 3); n++) {
      const page = await ok<{ id: string }>(admin.post('/api/v1/content').send({ type: 'page', title: `${code} page ${n}`, body: 'x' }), 201);
      await ok(admin.post(`/api/v1/content/${page.id}/submit`));
      await ok(admin.post(`/api/v1/content/${page.id}/approve`));
      items.push((await ok<{ id: string }>(admin.post(`/api/v1/courses/${c.id}/sections/${s.id}/items`).send({ contentId: `content:${page.id}` }), 201)).id);
    }
    await ok(admin.post(`/api/v1/courses/${c.id}/publish`));
    return { id: c.id, items };
  }
  return { t, admin, clock, courseOf };
}
