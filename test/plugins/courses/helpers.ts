// Helpers for the courses tests: a test app with auth, courses and a fixture plugin that provides
// content (an in-memory "doc" source) and records every courses event; a clock the tests drive; and
// short-hands for requests as a real account (bearer token).
import { expect } from 'chai';
import { contribute, createTestApp, definePlugin, on, type ContextRef, type EventRef, type Plugin, type TestApp } from 'lectern';
import { contentSources, courseEvents, type ContentInfo } from '../../../plugins/courses';
import { account, type Account } from '../auth/helpers';

export interface Clock { now(): Date; set(iso: string): void; advanceDays(days: number): void }

export function testClock(start = '2030-01-01T09:00:00.000Z'): Clock {
  let now = new Date(start);
  return {
    now: () => now,
    set: (iso) => { now = new Date(iso); },
    advanceDays: (days) => { now = new Date(now.getTime() + days * 86_400_000); },
  };
}

/** Content the fixture source knows, by id: `doc:<id>`. */
export const library = new Map<string, ContentInfo>();
for (const n of [1, 2, 3, 4, 5, 6]) library.set(String(n), { id: String(n), title: `Doc ${n}`, published: true });
library.set('draft', { id: 'draft', title: 'Unpublished doc', published: false });

export interface Recorded { name: string; payload: Record<string, unknown> }

export function fixturePlugin(recorded: Recorded[]) {
  return definePlugin({
    name: 'course-fixtures', version: '1.0.0', core: '^1.0.0', dependsOn: ['courses'],
    contributes: [contribute(contentSources, {
      type: 'doc',
      async lookup(ids: string[]) {
        return new Map(ids.filter((id) => library.has(id)).map((id) => [id, library.get(id) as ContentInfo]));
      },
    })],
    subscribe: courseEvents.map((event) => on(event as EventRef<Record<string, unknown>>, (payload) => { recorded.push({ name: event.name, payload }); })),
  });
}

export interface World {
  t: TestApp;
  clock: Clock;
  events: Recorded[];
  admin: Account;
  /** A content manager (courses:create, manage, update, enroll… at system context). */
  manager: Account;
  /** Creates an account with roles at a context (default: none). */
  user(name: string, roles?: string[], context?: ContextRef): Promise<Account>;
  close(): Promise<void>;
}

/** Course settings, and further plugins to load after the fixtures. */
export interface WorldOptions { settings?: Record<string, unknown>; plugins?: Plugin[] }

export async function world(opts: WorldOptions = {}): Promise<World> {
  const clock = testClock();
  const events: Recorded[] = [];
  const t = await createTestApp({
    plugins: ['auth', 'courses', 'maintenance', fixturePlugin(events), ...(opts.plugins ?? [])], clock: () => clock.now(),
    settings: opts.settings ? { courses: opts.settings } : undefined,
  });
  let n = 0;
  const user = (name: string, roles: string[] = [], context?: ContextRef) => account(t, `${name}-${(n += 1)}@example.com`, roles, context);
  return { t, clock, events, admin: await user('admin', ['admin']), manager: await user('manager', ['content-manager']), user, close: () => t.close() };
}

/** One world for the enclosing describe block: booted before its tests, closed after them. */
export function useWorld(opts: WorldOptions = {}): World {
  const w = {} as World;
  before(async function () {
    this.timeout(60_000); // the first app of a run migrates the template database
    Object.assign(w, await world(opts));
  });
  after(() => w.close?.());
  return w;
}

type Body = Record<string, unknown>;

/** Requests as an account; `call` checks the status and returns the body. */
export function as(t: TestApp, who: Account) {
  return {
    get: (url: string) => t.get(url).set(who.auth),
    post: (url: string, body: Body = {}) => t.post(url).set(who.auth).send(body),
    put: (url: string, body: Body = {}) => t.put(url).set(who.auth).send(body),
    patch: (url: string, body: Body) => t.patch(url).set(who.auth).send(body),
    delete: (url: string) => t.delete(url).set(who.auth),
  };
}

/** Expects `status` from a request, with the body in the failure message. */
export async function expectStatus(req: PromiseLike<{ status: number; body: unknown }>, status: number): Promise<Body> {
  const res = await req;
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  return res.body as Body;
}

let codes = 0;
/** Creates a course as `who` (201), published unless said otherwise. */
export async function createCourse(t: TestApp, who: Account, fields: Body = {}, publish = true): Promise<Body> {
  const course = await expectStatus(as(t, who).post('/api/v1/courses', { title: `Course ${(codes += 1)}`, code: `C-${codes}`, ...fields }), 201);
  if (!publish) return course;
  return expectStatus(as(t, who).post(`/api/v1/courses/${String(course.id)}/publish`), 200);
}

/** Adds a section with items (`doc:<id>`, required unless listed in `optional`); returns the item ids. */
export async function addItems(t: TestApp, who: Account, courseId: unknown, docs: string[], optional: string[] = []): Promise<string[]> {
  const section = await expectStatus(as(t, who).post(`/api/v1/courses/${String(courseId)}/sections`, { title: 'Section' }), 201);
  const ids: string[] = [];
  for (const doc of docs) {
    const item = await expectStatus(as(t, who).post(`/api/v1/courses/${String(courseId)}/sections/${String(section.id)}/items`,
      { contentId: `doc:${doc}`, required: !optional.includes(doc) }), 201);
    ids.push(String(item.id));
  }
  return ids;
}

export async function enroll(t: TestApp, who: Account, courseId: unknown, userId: string, fields: Body = {}): Promise<Body> {
  const res = await as(t, who).post(`/api/v1/courses/${String(courseId)}/enrollments`, { userId, ...fields });
  expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 201]);
  return res.body as Body;
}

/** Lets an account find any other (auth's users:find, through a role holding only it), so it may enroll anyone where it holds courses:enroll. */
export async function letFind(t: TestApp, who: Account): Promise<void> {
  const roles = t.app.permissions;
  if (!(await roles.listRoles()).some((r) => r.key === 'finder')) await roles.createRole({ key: 'finder', name: 'Finder', permissions: ['users:find'] });
  await t.grant(who.id, 'finder');
}

/** The names of the recorded events, in order, optionally only since index `from`. */
export const eventNames = (events: Recorded[], from = 0) => events.slice(from).map((e) => e.name);
