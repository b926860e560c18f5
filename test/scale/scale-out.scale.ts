// Scale-out: two web processes and two workers on one PostgreSQL and one Redis, started from the real
// CLI (cluster.ts), while a load generator spreads signed-in reads over both web processes. A session
// made on one is valid on the other; a deactivation, a role change, a settings change and a plugin
// disabled through one are honored by the other within 5 s; a per-second schedule runs once per tick,
// only in workers; a CSV import started through a web process is run by a worker. Needs PostgreSQL and
// Redis (DATABASE_URL, REDIS_URL); run by `npm run test:scale`, not by `npm test`.
import type autocannon from 'autocannon';
import { expect } from 'chai';
import { call, expectAnswer as ok, loadOn, measured, within, type Json } from './client';
import { startCluster, TICK_PLUGIN, type Cluster } from './cluster';

const ADMIN = { email: 'admin@scale.example', password: 'Scale admin pass 7Qx!' };
const PASSWORD = 'Scale learner pass 4Kz!';
const HONORED_WITHIN_MS = 5_000;

/** How long until `check` holds (throws after HONORED_WITHIN_MS). */
const honoredWithin = (what: string, check: () => Promise<boolean>) => within(`${what}: not honored`, HONORED_WITHIN_MS, check);

describe('scale-out: two web processes and two workers', function () {
  this.timeout(180_000);
  let cluster: Cluster;
  let web1: string;
  let web2: string;
  let adminToken: string;
  let load: { stop(): Promise<autocannon.Result[]> };

  const token = async (base: string, email: string, password = PASSWORD) =>
    String((await ok(call(base, 'POST', '/api/v1/auth/tokens', { json: { email, password } }), 201)).token);
  const newUser = async (name: string) =>
    ok(call(web1, 'POST', '/api/v1/users', { token: adminToken, json: { email: `${name}@scale.example`, name, password: PASSWORD } }), 201);

  before(async function () {
    if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('the scale-out test needs DATABASE_URL and REDIS_URL');
    cluster = await startCluster({
      webs: 2, workers: 2, postgresUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL, admin: ADMIN,
      plugins: ['auth', 'courses', 'content', 'reporting', 'maintenance', TICK_PLUGIN],
    });
    [web1, web2] = cluster.webs.map((w) => w.url);
    adminToken = await token(web1, ADMIN.email, ADMIN.password);
    await newUser('reader');
    // Signed-in reads spread over both web processes for the whole test, 10 connections each.
    const readerToken = await token(web2, 'reader@scale.example');
    const runs = [web1, web2].map((base) => loadOn(`${base}/api/v1/me`, readerToken, 150));
    load = { stop: async () => { for (const r of runs) r.stop(); return Promise.all(runs.map((r) => r.done)); } };
  });

  after(async () => {
    await cluster?.stop();
  });

  it('accepts on one web process a session made on the other', async () => {
    const login = await call(web1, 'POST', '/api/v1/auth/login', { json: { email: ADMIN.email, password: ADMIN.password } });
    const cookie = (login.headers.getSetCookie().find((c) => c.startsWith('lectern_session=')) ?? '').split(';')[0];
    const me = await ok(call(web2, 'GET', '/api/v1/me', { cookie }), 200);
    expect({ login: login.status, cookie: cookie.length > 20, email: me.email }).to.deep.equal({ login: 200, cookie: true, email: ADMIN.email });
  });

  it('honors on the other web process, within 5 s, a deactivation, a role change, a settings change and a disabled plugin', async () => {
    const alice = await newUser('alice');
    const aliceToken = await token(web2, 'alice@scale.example');
    const status = (base: string, path: string, t = aliceToken) => call(base, 'GET', path, { token: t }).then((r) => r.status);
    expect(await status(web2, '/api/v1/users')).to.equal(403);

    const assignment = await ok(call(web1, 'POST', '/api/v1/role-assignments', {
      token: adminToken, json: { userId: alice.id, role: 'admin', context: { type: 'system' } },
    }), 201);
    const granted = await honoredWithin('role granted', async () => (await status(web2, '/api/v1/users')) === 200);
    await ok(call(web1, 'DELETE', `/api/v1/role-assignments/${String(assignment.id)}`, { token: adminToken }), 204);
    const revoked = await honoredWithin('role removed', async () => (await status(web2, '/api/v1/users')) === 403);

    await ok(call(web1, 'PATCH', '/api/v1/settings/core', { token: adminToken, json: { locale: 'fr' } }), 200);
    const locale = await honoredWithin('locale setting', async () => (await call(web2, 'GET', '/')).text.includes('<html lang="fr">'));
    await ok(call(web1, 'PATCH', '/api/v1/settings/core', { token: adminToken, json: { locale: 'en' } }), 200);

    await ok(call(web1, 'PATCH', '/api/v1/plugins/reporting', { token: adminToken, json: { enabled: false } }), 200);
    const disabled = await honoredWithin('plugin disabled', async () => (await status(web2, '/api/v1/reports/compliance', adminToken)) === 404);
    await ok(call(web1, 'PATCH', '/api/v1/plugins/reporting', { token: adminToken, json: { enabled: true } }), 200);
    await honoredWithin('plugin enabled', async () => (await status(web2, '/api/v1/reports/compliance', adminToken)) === 200);

    await ok(call(web1, 'POST', `/api/v1/users/${String(alice.id)}/deactivate`, { token: adminToken }), 200);
    const deactivated = await honoredWithin('deactivation', async () => (await status(web2, '/api/v1/me')) === 401);
    measured('ms until the other process honored it', { role: granted, roleRemoved: revoked, setting: locale, pluginDisabled: disabled, deactivation: deactivated });
    expect([granted, revoked, locale, disabled, deactivated].every((ms) => ms <= HONORED_WITHIN_MS)).to.equal(true);
  });

  it('runs a CSV import started through a web process in a worker, and each tick of a schedule once, only in workers', async () => {
    const started = Date.now();
    const csv = ['email,name', ...Array.from({ length: 50 }, (_, i) => `imported${i}@scale.example,Imported ${i}`)].join('\n');
    const accepted = await ok(call(web1, 'POST', '/api/v1/users/import', { token: adminToken, csv }), 202);
    const jobId = String((accepted.job as Json).id);
    let job: Json = {};
    const deadline = Date.now() + 30_000;
    while (job.state !== 'completed' && job.state !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      job = await ok(call(web2, 'GET', `/api/v1/jobs/${encodeURIComponent(jobId)}`, { token: adminToken }), 200);
    }
    const found = await ok(call(web2, 'GET', '/api/v1/users?q=imported&limit=100', { token: adminToken }), 200);

    // Let the per-second schedule tick a while longer, then look at every run it made.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 8_000 - (Date.now() - started))));
    const rows = await cluster.query<{ job_id: string; pid: number }>('select job_id, pid from scale_tick_runs');
    const runsPerTick = new Map<string, number>();
    for (const r of rows) runsPerTick.set(r.job_id, (runsPerTick.get(r.job_id) ?? 0) + 1);
    const workerPids = new Set(cluster.workers.map((w) => w.pid));
    measured('jobs', { importJob: job.state, imported: (found.items as Json[]).length, tickRuns: rows.length, ticks: runsPerTick.size,
      byWorker: cluster.workers.map((w) => rows.filter((r) => r.pid === w.pid).length).join('/') });
    expect({
      job: job.state, result: job.result, imported: (found.items as Json[]).length,
      ticks: rows.length >= 5, repeated: [...runsPerTick].filter(([, n]) => n > 1), outsideWorkers: rows.filter((r) => !workerPids.has(r.pid)).length,
    }).to.deep.equal({
      job: 'completed', result: { created: 50, updated: 0, failed: [] }, imported: 50, ticks: true, repeated: [], outsideWorkers: 0,
    });
  });

  it('served the load on both web processes without a server error', async () => {
    const results = await load.stop();
    measured('load', Object.fromEntries(results.map((r, i) => [`web${i + 1}`, `${r.requests.total} requests, ${r.errors} errors, ${r.non2xx} non-2xx, p99 ${r.latency.p99} ms`])));
    const served = results.map((r) => ({ requests: r.requests.total > 100, errors: r.errors, server: r['5xx'] }));
    expect(served).to.deep.equal([{ requests: true, errors: 0, server: 0 }, { requests: true, errors: 0, server: 0 }]);
  });
});
