// Maintenance mode: switched on, a learner gets a 503 with Retry-After and the message (problem+json on
// the API, the themed page in a browser) while administrators, the probes and signing in go on; a second
// instance honors the switch within seconds; a planned window switches the mode on and off by itself on a
// driven clock, and its start and end are recorded once with two instances running the job; bad input
// changes nothing; a request under way when the mode goes on finishes.
import { expect } from 'chai';
import { createTestApp, definePlugin, defineRoute, Type, type Persona, type TestApp } from 'lectern';
import { eventually } from '../../core/helpers';
import { account, login } from '../auth/helpers';
import { recordWindowEdges } from '../../../plugins/maintenance/jobs/window-edges';

/** A route that waits until the test lets it answer: a request under way. */
const gate = (() => {
  let entered!: () => void;
  let release!: () => void;
  const state = {
    entered: new Promise<void>((r) => { entered = r; }),
    released: new Promise<void>((r) => { release = r; }),
    release: () => release(),
  };
  const plugin = definePlugin({
    name: 'gate', version: '1.0.0', core: '^1.0.0',
    routes: [defineRoute({
      method: 'GET', path: '/api/v1/gate', authenticated: true, summary: 'Answers once released',
      responses: { 200: Type.Object({ ok: Type.Boolean() }) },
      async handler() {
        entered();
        await state.released;
        return { ok: true };
      },
    })],
  });
  return { ...state, plugin };
})();

const START = new Date('2030-03-15T09:00:00.000Z');
const MINUTE = 60_000;

describe('maintenance: maintenance mode', function () {
  this.timeout(60_000);
  let now = START;
  const clock = () => now;
  let t: TestApp;
  let ada: Persona;
  let lou: Persona;
  const at = (minutes: number) => new Date(START.getTime() + minutes * MINUTE);
  const audits = (action: string) => t.db('core_audit').where({ action }).orderBy('id').select('details', 'target_id', 'actor_id');
  const learnerStatus = (app: TestApp = t) => app.as(lou.id).get('/api/v1/me/courses').then((r) => r.status);

  before(async () => {
    t = await createTestApp({ plugins: ['auth', 'courses', 'maintenance', gate.plugin], clock, settings: { maintenance: { retryAfterSeconds: 120 } } });
    ada = await t.persona('ada', 'admin');
    lou = await t.persona('lou');
  });
  after(() => t?.close());
  afterEach(async () => {
    now = START;
    await ada.put('/api/v1/system/maintenance').send({ enabled: false }).expect(200);
  });

  it('refuses a learner with 503, Retry-After and the message, on the API and as the themed page, while admins, probes and sign-in go on', async () => {
    expect(await learnerStatus()).to.equal(200);
    const until = at(30).toISOString();
    const on = await ada.put('/api/v1/system/maintenance').send({ enabled: true, message: 'Upgrading the database.', until });
    expect(on.status, on.text).to.equal(200);
    expect(on.body).to.deep.equal({ enabled: true, message: 'Upgrading the database.', until });

    const api = await lou.get('/api/v1/me/courses');
    expect([api.status, api.headers['retry-after'], api.headers['content-type']]).to.deep.equal([503, '1800', 'application/problem+json']);
    expect(api.body).to.include({ type: 'urn:lectern:problem:maintenance', status: 503 });
    expect(api.body.detail).to.match(/^Upgrading the database\. Expected back by 2030-03-15 09:30 UTC\.$/);

    for (const caller of [lou, t]) {
      const page = await caller.get('/courses').set('Accept', 'text/html');
      expect([page.status, page.headers['retry-after']]).to.deep.equal([503, '1800']);
      expect(page.headers['content-type']).to.match(/^text\/html/);
      expect(page.text).to.include('Upgrading the database.').and.include('Down for maintenance');
    }

    expect((await ada.get('/api/v1/me/courses')).status).to.equal(200);
    expect((await ada.get('/courses').set('Accept', 'text/html')).status).to.equal(200);
    expect((await t.get('/healthz')).status).to.equal(200);
    expect((await t.get('/readyz')).status).to.equal(200);

    // Signing in: the form, the API, a token; what the account does next is refused like anyone's.
    expect((await t.get('/login').set('Accept', 'text/html')).status).to.equal(200);
    const lee = await account(t, 'lee@example.test');
    const session = await login(t, lee.email);
    const me = await t.get('/api/v1/me').set(lee.auth);
    expect(me.status).to.equal(503);
    expect((await t.post('/api/v1/auth/logout').set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf)).status).to.equal(204);

    const status = await ada.get('/api/v1/system/status');
    expect(status.body.maintenance).to.deep.equal({ enabled: true, message: 'Upgrading the database.', until });

    await ada.put('/api/v1/system/maintenance').send({ enabled: false }).expect(200, { enabled: false, message: null, until: null });
    expect(await learnerStatus()).to.equal(200);
    const [onRecord] = await audits('maintenance.mode.on');
    expect(onRecord).to.deep.equal({ details: { message: 'Upgrading the database.', until }, target_id: '1', actor_id: ada.id });
    expect((await audits('maintenance.mode.off')).length).to.be.greaterThan(0);
  });

  it('tells a refused caller the retryAfterSeconds setting when the mode has no end time, and ends by itself at its end time', async () => {
    await ada.put('/api/v1/system/maintenance').send({ enabled: true, until: at(5).toISOString() }).expect(200);
    now = at(4);
    const res = await lou.get('/api/v1/me/courses');
    expect([res.status, res.headers['retry-after']]).to.deep.equal([503, '60']);
    expect(res.body.detail).to.match(/^The system is down for maintenance/);
    now = at(5);
    expect(await learnerStatus()).to.equal(200);
    expect((await ada.get('/api/v1/system/status')).body.maintenance).to.deep.equal({ enabled: false, message: null, until: null });

    await ada.put('/api/v1/system/maintenance').send({ enabled: true }).expect(200);
    const open = await lou.get('/api/v1/me/courses');
    expect([open.status, open.headers['retry-after']]).to.deep.equal([503, '120']);
  });

  it('honors the switch on a second instance of the same system within 5 seconds', async () => {
    const second = await createTestApp({ plugins: ['auth', 'courses', 'maintenance', gate.plugin], shareWith: t, clock });
    try {
      expect(await learnerStatus(second)).to.equal(200);
      await ada.put('/api/v1/system/maintenance').send({ enabled: true, message: 'Back soon.' }).expect(200);
      await eventually(async () => (await learnerStatus(second)) === 503, 5000);
      await ada.put('/api/v1/system/maintenance').send({ enabled: false }).expect(200);
      await eventually(async () => (await learnerStatus(second)) === 200, 5000);
    } finally {
      await second.close();
    }
  });

  it('refuses bad input with 400 naming the field, changing nothing', async () => {
    const before = await t.db('core_audit').count({ n: '*' }).first();
    const bad = [
      [{ enabled: true, until: at(-1).toISOString() }, 'body.until'],
      [{ enabled: true, message: 'x'.repeat(501) }, 'body.message'],
      [{ enabled: false, message: 'Nothing to say' }, 'body.message'],
      [{ enabled: true, until: 'tomorrow' }, 'body.until'],
    ] as const;
    for (const [body, path] of bad) {
      const res = await ada.put('/api/v1/system/maintenance').send(body);
      expect([res.status, res.headers['content-type'], res.body.errors?.map((e: { path: string }) => e.path)], JSON.stringify(body))
        .to.deep.equal([400, 'application/problem+json', [path]]);
    }
    const windows = [
      [{ startsAt: at(20).toISOString(), endsAt: at(10).toISOString() }, 'body.endsAt'],
      [{ startsAt: at(10).toISOString(), endsAt: at(10).toISOString() }, 'body.endsAt'],
      [{ startsAt: at(-20).toISOString(), endsAt: at(-10).toISOString() }, 'body.endsAt'],
      [{ startsAt: 'soon', endsAt: at(10).toISOString() }, 'body.startsAt'],
    ] as const;
    for (const [body, path] of windows) {
      const res = await ada.post('/api/v1/system/maintenance/windows').send(body);
      expect([res.status, res.body.errors?.map((e: { path: string }) => e.path)], JSON.stringify(body)).to.deep.equal([400, [path]]);
    }
    expect((await ada.get('/api/v1/system/status')).body.maintenance.enabled).to.equal(false);
    expect((await ada.get('/api/v1/system/maintenance/windows')).body.items).to.deep.equal([]);
    expect(await t.db('core_audit').count({ n: '*' }).first()).to.deep.equal(before);
    expect(await learnerStatus()).to.equal(200);
    expect((await lou.put('/api/v1/system/maintenance').send({ enabled: true })).status).to.equal(403);
  });

  it('switches on at a planned window\'s start and off at its end by itself; two instances record each edge once', async () => {
    const second = await createTestApp({ plugins: ['auth', 'courses', 'maintenance', gate.plugin], shareWith: t, clock });
    const runJob = async () => {
      await Promise.all([t, second].map((app) => app.app.contextOf('maintenance').enqueue(recordWindowEdges, {})));
      await Promise.all([t.jobs.drain(), second.jobs.drain()]);
    };
    try {
      const planned = await ada.post('/api/v1/system/maintenance/windows').send({ startsAt: at(10).toISOString(), endsAt: at(20).toISOString(), message: 'Planned upgrade.' });
      expect(planned.status, planned.text).to.equal(201);
      expect(planned.body).to.deep.include({ startsAt: at(10).toISOString(), endsAt: at(20).toISOString(), message: 'Planned upgrade.', state: 'planned' });
      const id = planned.body.id as string;
      await eventually(async () => (await learnerStatus(second)) === 200);
      await runJob();
      expect(await audits('maintenance.window.start')).to.deep.equal([]);

      now = new Date(at(10).getTime() + 30_000);
      for (const app of [t, second]) {
        const res = await app.as(lou.id).get('/api/v1/me/courses');
        expect([res.status, res.headers['retry-after']]).to.deep.equal([503, '570']);
        expect(res.body.detail).to.match(/^Planned upgrade\./);
      }
      expect((await ada.get('/api/v1/system/status')).body.maintenance).to.deep.equal({ enabled: true, message: 'Planned upgrade.', until: at(20).toISOString() });
      await runJob();
      await runJob();
      expect((await audits('maintenance.window.start')).map((a) => a.target_id)).to.deep.equal([id]);

      now = new Date(at(20).getTime() + 30_000);
      expect(await learnerStatus()).to.equal(200);
      expect(await learnerStatus(second)).to.equal(200);
      await runJob();
      await runJob();
      expect((await audits('maintenance.window.end')).map((a) => [a.target_id, a.details.message])).to.deep.equal([[id, 'Planned upgrade.']]);
      expect((await audits('maintenance.window.start')).length).to.equal(1);

      const list = await ada.get('/api/v1/system/maintenance/windows');
      expect(list.body.items.map((w: { id: string; state: string }) => [w.id, w.state])).to.deep.equal([[id, 'over']]);
      await ada.delete(`/api/v1/system/maintenance/windows/${id}`).expect(204);
      expect((await ada.delete(`/api/v1/system/maintenance/windows/${id}`)).status).to.equal(404);
    } finally {
      await second.close();
    }
  });

  it('ends a window under way when it is deleted', async () => {
    const planned = await ada.post('/api/v1/system/maintenance/windows').send({ startsAt: at(0).toISOString(), endsAt: at(60).toISOString() });
    expect(await learnerStatus()).to.equal(503);
    await ada.delete(`/api/v1/system/maintenance/windows/${planned.body.id}`).expect(204);
    expect(await learnerStatus()).to.equal(200);
  });

  it('lets a request under way when the mode goes on finish with 200', async () => {
    const pending = lou.get('/api/v1/gate').then((r) => r);
    await gate.entered;
    await ada.put('/api/v1/system/maintenance').send({ enabled: true }).expect(200);
    expect(await learnerStatus()).to.equal(503);
    gate.release();
    const res = await pending;
    expect([res.status, res.body]).to.deep.equal([200, { ok: true }]);
  });
});
