// Who may call what, for every route the app mounts: the cases are generated from the route registry
// (`t.app.http.mounted`), so a route added by any plugin is checked without editing this file. Each
// pass requests every route it applies to as one kind of caller, collects what is wrong (with the
// tables a refused request changed), and fails once, naming every offending route.
import { expect } from 'chai';
import { SYSTEM, type ContextRef, type PermissionRef, type RouteRef } from 'lectern';
import { login } from '../plugins/auth/helpers';
import { buildWorld, fieldFixtures, fillPath, pathFixtures, readable, sample, type World } from './world';

type Json = Record<string, unknown>;
type Res = { status: number; text: string; headers: Record<string, string> };

interface Case {
  label: string;
  route: RouteRef;
  url: string;
  params: Record<string, string>;
  query: Json;
  body: unknown;
}

/** Who makes a request: a persona through the test header, or raw headers (a cookie), or nobody. */
interface Caller { name: string; userId?: string; headers?: Record<string, string> }

/**
 * Routes whose intended caller cannot be shown in by this generic world, with the reason; the other
 * passes still check them. The test checks every entry names a mounted route.
 */
const NOT_ADMITTED: Record<string, string> = {
  // Course A does not allow self-enrollment (so that the stranger pass is refused there); joining a course
  // that does is covered by test/plugins/courses/enrollment.test.ts.
  'POST /api/v1/courses/:id/self-enroll': 'course A does not allow self-enrollment',
  'POST /courses/:id/self-enroll': 'course A does not allow self-enrollment',
  // A published policy version stops every caller until they accept it, so the passes after it would see
  // only that; publishing is covered by test/plugins/privacy/policies.test.ts.
  'POST /api/v1/policies': 'publishing a policy makes every caller accept it first',
  'POST /admin/policies': 'publishing a policy makes every caller accept it first',
};

/** Columns written on every use of a credential (bookkeeping, not a change anyone asked for). */
const BOOKKEEPING = ['last_seen_at', 'last_used_at'];
/** The cron schedules: their ticks (and the jobs they start, every minute for some) are nobody's request. */
const SCHEDULES = 'core_job_schedules';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CSV = 'email,name\nmatrix@example.test,Matrix\n';

describe('security: the permission matrix of every mounted route', function () {
  this.timeout(60_000);
  let w: World;
  let cases: Case[];
  /** Requests sent, by pass. */
  const sent = new Map<string, number>();

  before(async () => {
    w = await buildWorld();
    const paths = pathFixtures(w);
    const fields = fieldFixtures(w);
    const problems: string[] = [];
    cases = [];
    for (const { route } of w.t.app.http.mounted) {
      const label = `${route.method} ${route.path}`;
      try {
        const { url, params } = fillPath(route.path, paths, label);
        const query = route.query ? sample(route.query as Json, fields, label, 'query') as Json : {};
        const body = route.body ? sample(route.body as Json, fields, label, 'body') : undefined;
        cases.push({ label, route, url, params, query, body });
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
  after(() => w?.t.close());
  after(() => {
    const total = [...sent.values()].reduce((a, b) => a + b, 0);
    console.log(`      permission matrix: ${cases?.length ?? 0} routes, ${total} requests (${[...sent].map(([k, n]) => `${k} ${n}`).join(', ')})`);
  });

  /** Sends a case as `caller`, to `url` (default: the case's own), counted under `passName`. */
  async function send(passName: string, c: Case, caller: Caller, url = c.url): Promise<Res> {
    const agent = caller.userId ? w.t.as(caller.userId) : w.t;
    const method = c.route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    let req = agent[method](url).query(c.query);
    if (c.route.html && c.route.method === 'GET') req = req.set('Accept', 'text/html');
    for (const [k, v] of Object.entries(caller.headers ?? {})) req = req.set(k, v);
    if (c.route.rawBody) req = req.set('Content-Type', c.route.rawBody.types[0]).send(CSV);
    else if (c.body !== undefined) req = req.send(c.body as object);
    sent.set(passName, (sent.get(passName) ?? 0) + 1);
    const res = await req;
    return { status: res.status, text: res.text ?? '', headers: res.headers as Record<string, string> };
  }

  let snapshotSql: string | undefined;
  /** A hash of every row of every table (bookkeeping columns and the scheduler's own work left out), by table. */
  async function snapshot(): Promise<Map<string, string>> {
    const db = w.t.db;
    if (!snapshotSql) {
      const tables: string[] = (await db.raw(
        "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1",
      )).rows.map((r: { table_name: string }) => r.table_name);
      const row = `(to_jsonb(x) ${BOOKKEEPING.map((c) => `- '${c}'`).join(' ')})::text`;
      snapshotSql = tables.filter((t) => t !== SCHEDULES).map((t) => `select '${t}' as name, count(*) || ':' || coalesce(sum(hashtext(${row})), 0) as hash from "${t}" x`
        + (t === 'core_jobs' ? ` where x.name not in (select name from ${SCHEDULES})` : '')).join(' union all ');
    }
    return new Map((await db.raw(snapshotSql)).rows.map((r: { name: string; hash: string }) => [r.name, r.hash]));
  }

  /**
   * Sends each case as its caller and returns the violations: what `expected` says is wrong with the
   * answer and, when the requests should be refused, every table a request changed. `between` runs
   * after each request; when it answers true (it changed the world itself) the world is looked at again.
   */
  async function pass(
    name: string,
    items: { c: Case; caller: Caller; url?: string }[],
    expected: (res: Res, c: Case) => string | null,
    opts: { refused?: boolean; between?: (res: Res) => Promise<boolean> } = {},
  ): Promise<string[]> {
    const refused = opts.refused ?? true;
    const violations: string[] = [];
    let state = refused ? await snapshot() : undefined;
    for (const { c, caller, url } of items) {
      const res = await send(name, c, caller, url);
      const wrong = expected(res, c);
      const now = state && await snapshot();
      const changed = now ? [...now].filter(([t, h]) => state?.get(t) !== h).map(([t]) => t) : [];
      state = now;
      if (wrong || changed.length) {
        const target = url && url !== c.url ? ` at ${url}` : '';
        violations.push(`${c.label}${target} as ${caller.name}: ${res.status}${wrong ? ` (${wrong})` : ''}`
          + `${changed.length ? ` and changed ${changed.join(', ')}` : ''} — ${readable(res.headers['content-type'] ?? '', res.text)}`);
      }
      if (opts.between && (await opts.between(res)) && state) state = await snapshot();
    }
    return violations;
  }

  const contextOf = (c: Case, params = c.params): ContextRef => (c.route.context ? c.route.context({ params, query: c.query }) : SYSTEM);
  const can = (userId: string, c: Case, params = c.params) => w.t.app.permissions.can(userId, c.route.permission as PermissionRef, contextOf(c, params));
  const guarded = () => cases.filter((c) => !c.route.public);
  const report = (violations: string[]) => expect(violations, `\n${violations.join('\n')}\n`).to.deep.equal([]);
  const refusedWith = (...statuses: number[]) => (res: Res) => (statuses.includes(res.status) ? null : `expected ${statuses.join(' or ')}`);

  it('names only mounted routes in its exception table', () => {
    const mounted = new Set(cases.map((c) => c.label));
    expect(Object.keys(NOT_ADMITTED).filter((label) => !mounted.has(label))).to.deep.equal([]);
  });

  it('answers anonymous callers 401 problem+json, or a redirect to sign in for pages, on every non-public route', async () => {
    report(await pass('anonymous', guarded().map((c) => ({ c, caller: { name: 'anonymous' } })), (res, c) => {
      if (c.route.html && c.route.method === 'GET') {
        return [302, 303].includes(res.status) && /^\/login\?next=/.test(res.headers.location ?? '') ? null : 'expected a redirect to /login?next=…';
      }
      if (res.status !== 401) return 'expected 401';
      return c.route.html || /^application\/problem\+json/.test(res.headers['content-type'] ?? '') ? null : 'expected problem+json';
    }));
  });

  it('refuses with 403, changing nothing, a signed-in learner who lacks the route\'s permission', async () => {
    const items = [];
    for (const c of guarded()) if (c.route.permission && !(await can(w.lou.id, c))) items.push({ c, caller: { name: 'lou (learner of course A)', userId: w.lou.id } });
    expect(items.length, 'routes a learner may not call').to.be.greaterThan(50);
    report(await pass('learner', items, refusedWith(403)));
  });

  it('refuses an instructor of another course on the objects of a course they do not teach, changing nothing', async () => {
    const bea = { name: 'bea (instructor of course B)', userId: w.bea.id };
    const fixtures = pathFixtures(w);
    const inB = { ...fixtures, idAfter: { ...fixtures.idAfter, courses: w.ids.otherCourse } };
    const items: { c: Case; caller: Caller; url?: string }[] = [];
    for (const c of guarded()) {
      if (!c.route.permission || contextOf(c).type === 'system' || (await can(w.bea.id, c))) continue;
      items.push({ c, caller: bea });
      // The same objects of course A, through course B's path, where bea holds the permission.
      const mixed = fillPath(c.route.path, inB);
      if (Object.keys(c.params).length > 1 && (await can(w.bea.id, c, mixed.params))) items.push({ c, caller: bea, url: mixed.url });
    }
    expect(items.length, 'course routes').to.be.greaterThan(40);
    report(await pass('other instructor', items, refusedWith(403, 404)));
  });

  it('refuses a signed-in stranger on other people\'s objects in the routes any signed-in caller may use, changing nothing', async () => {
    const nik = { name: 'nik (no role)', userId: w.nik.id };
    const items = guarded().filter((c) => c.route.authenticated && Object.keys(c.params).length).map((c) => ({ c, caller: nik }));
    report(await pass('stranger', items, refusedWith(403, 404)));
  });

  it('refuses every unsafe request made with the session cookie but without its CSRF token, changing nothing', async () => {
    const cookie = { name: 'cora (session cookie, no CSRF token)', headers: { Cookie: w.cora.cookie } };
    const unsafe = cases.filter((c) => UNSAFE.has(c.route.method));
    const violations = await pass('no CSRF token', unsafe.filter((c) => !c.route.public).map((c) => ({ c, caller: cookie })), refusedWith(403));
    // A public route treats such a caller as anonymous: whatever it does, the session is not its to end.
    for (const c of unsafe.filter((x) => x.route.public)) {
      await send('no CSRF token', c, cookie);
      const me = await w.t.get('/api/v1/me').set('Cookie', w.cora.cookie);
      if (me.status !== 200) violations.push(`${c.label} as ${cookie.name}: ended the session (GET /api/v1/me then ${me.status})`);
    }
    report(violations);
  });

  it('admits the intended caller: an administrator, the course\'s own instructor, the owner for personal routes', async () => {
    const items: { c: Case; caller: Caller }[] = [];
    for (const c of guarded().filter((x) => !(x.label in NOT_ADMITTED))) {
      if (c.route.authenticated) {
        items.push({ c, caller: { name: 'cora (owner)', userId: w.cora.id } });
        continue;
      }
      items.push({ c, caller: { name: 'ada (admin)', userId: w.ada.id } });
      if (contextOf(c).type !== 'system' && (await can(w.ian.id, c))) items.push({ c, caller: { name: 'ian (instructor of course A)', userId: w.ian.id } });
    }
    report(await pass('intended caller', items, (res) => ([401, 403].includes(res.status) || res.status >= 500 ? 'expected neither 401, 403 nor 5xx' : null), { refused: false }));
  });

  it('refuses unsafe requests from another site even with the CSRF token (Origin, Sec-Fetch-Site), changing nothing', async () => {
    // After the admit pass, or a request that got through: its jobs done, and cora signed in again if it ended her session.
    const settle = async () => {
      await w.t.jobs.drain();
      if ((await w.t.get('/api/v1/me').set('Cookie', w.cora.cookie)).status !== 200) {
        Object.assign(w.cora, await login(w.t, w.cora.email));
        await w.t.jobs.drain(); // the sign-in's own deliveries
      }
      return true;
    };
    await settle();
    const unsafe = cases.filter((c) => UNSAFE.has(c.route.method) && !c.route.public);
    const items = [['Origin', 'https://evil.example'], ['Sec-Fetch-Site', 'cross-site']].flatMap(([header, value]) => unsafe.map((c) => ({
      c, caller: { name: `cora (session, CSRF token, ${header}: ${value})`, get headers() { return { Cookie: w.cora.cookie, 'X-CSRF-Token': w.cora.csrf, [header]: value }; } },
    })));
    report(await pass('cross-site', items, refusedWith(403), { between: (res) => (res.status === 403 ? Promise.resolve(false) : settle()) }));
  });
});

