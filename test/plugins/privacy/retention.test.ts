// Retention (issue 15): each kind of personal data a plugin declares is kept its days (the setting, else
// the kind's default; 0 keeps it for ever) and the daily job deletes what is older, with a driven clock:
// core audit records (the one place audit retention is set; the trail still refuses every other update and
// delete) and auth's ended sessions. Unknown kinds are refused naming them; each run leaves one record.
import { expect } from 'chai';
import { createTestApp, type Persona, type TestApp } from 'lectern';
import { retentionJob } from '../../../plugins/privacy/retention/job';
import { account, login } from '../auth/helpers';

const DAY_MS = 86_400_000;

describe('privacy: retention', function () {
  this.timeout(60_000);
  let t: TestApp;
  let ada: Persona;
  let now = new Date();
  before(async () => {
    t = await createTestApp({ plugins: ['auth', 'privacy'], clock: () => now });
    ada = await t.persona('ada', 'admin');
    await t.persona('lou');
  });
  after(() => t?.close());

  const run = async (): Promise<Record<string, number>> => {
    const job = await t.app.contextOf('privacy').enqueue(retentionJob, {});
    await t.jobs.drain();
    const done = await t.app.jobs.get(job.id);
    expect(done?.state, done?.error).to.equal('completed');
    return done?.result as Record<string, number>;
  };

  it('lists the kinds every plugin declares with their defaults, for privacy managers only', async () => {
    const res = await ada.get('/api/v1/privacy/retention');
    expect(res.status).to.equal(200);
    expect(res.body.kinds.map((k: { kind: string; plugin: string; days: number }) => `${k.plugin}/${k.kind}=${k.days}`))
      .to.include.members(['core/core.audit=0', 'auth/auth.sessions=30']);
    expect(res.body.lastRun).to.equal(null);
    expect((await t.as('lou').get('/api/v1/privacy/retention')).status).to.equal(403);
  });

  it('refuses kinds no plugin keeps, naming them, and bad numbers', async () => {
    const unknown = await ada.put('/api/v1/privacy/retention').send({ days: { 'core.audit': 30, 'nobody.things': 5 } });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.errors).to.deep.equal([{ path: 'body.days.nobody.things', message: 'is not a kind of data any plugin keeps' }]);
    expect((await ada.put('/api/v1/privacy/retention').send({ days: { 'core.audit': -1 } })).status).to.equal(400);
    expect((await ada.get('/api/v1/privacy/retention')).body.kinds.find((k: { kind: string }) => k.kind === 'core.audit').days, 'nothing half-written').to.equal(0);
  });

  it('deletes audit records older than their days (none with 0), and the trail still refuses updates and deletes', async () => {
    const at = (days: number) => new Date(now.getTime() - days * DAY_MS);
    await t.db('core_audit').insert([{ at: at(400), action: 'test.ancient' }, { at: at(100), action: 'test.old' }, { at: at(10), action: 'test.recent' }]);
    const tested = () => t.db('core_audit').where('action', 'like', 'test.%').orderBy('id').pluck('action');

    expect((await run())['core.audit'], '0 keeps everything').to.equal(0);
    expect(await tested()).to.deep.equal(['test.ancient', 'test.old', 'test.recent']);

    expect((await ada.put('/api/v1/privacy/retention').send({ days: { 'core.audit': 90 } })).status).to.equal(200);
    expect((await run())['core.audit']).to.equal(2);
    expect(await tested()).to.deep.equal(['test.recent']);
    const prune = await t.db('core_audit').where({ action: 'audit.prune' }).select('details');
    expect(prune.map((r: { details: Record<string, unknown> }) => r.details)).to.deep.equal([{ before: at(90).toISOString(), deleted: 2 }]);

    const refused = (p: Promise<unknown>) => p.then(() => 'allowed', (e: Error) => e.message);
    expect(await refused(t.db('core_audit').update({ action: 'forged' }))).to.contain('core_audit is append-only');
    expect(await refused(t.db('core_audit').where({ action: 'test.recent' }).delete())).to.contain('core_audit is append-only');
    expect(await refused(t.db.transaction(async (trx) => {
      await trx.raw(`set local lectern.audit_prune = 'on'`);
      await trx('core_audit').update({ action: 'forged' });
    }))).to.contain('core_audit is append-only');
  });

  it('deletes sessions that ended more than their days ago and keeps live ones', async () => {
    await account(t, 'old@example.com');
    await login(t, 'old@example.com');
    now = new Date(now.getTime() + 20 * DAY_MS);
    expect((await run())['auth.sessions'], 'ended (idle) 20 days ago: kept 30').to.equal(0);
    now = new Date(now.getTime() + 15 * DAY_MS);
    await account(t, 'fresh@example.com');
    const fresh = await login(t, 'fresh@example.com');
    expect((await run())['auth.sessions']).to.equal(1);
    expect((await t.get('/api/v1/me').set('Cookie', fresh.cookie)).status, 'a live session stays').to.equal(200);
  });

  it('records each run (audit record and the last run) and shows it on the retention page, whose form refuses bad values beside the field', async () => {
    const records: { details: { counts: Record<string, number>; days: Record<string, number> } }[] = await t.db('core_audit')
      .where({ action: 'privacy.retention' }).orderBy('id').select('details');
    expect(records.length).to.equal(4);
    expect(records[1].details).to.deep.include({ days: { 'core.audit': 90, 'auth.sessions': 30 } });
    const state = (await ada.get('/api/v1/privacy/retention')).body;
    expect(state.lastRun.counts).to.deep.equal({ 'core.audit': 0, 'auth.sessions': 1 });

    const shown = await ada.get('/admin/privacy/retention').set('Accept', 'text/html');
    expect(shown.status).to.equal(200);
    expect(shown.text).to.include('core.audit').and.include('auth.sessions');
    const bad = await ada.post('/admin/privacy/retention').type('form').send({ 'core.audit': 'soon', 'auth.sessions': '7' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('must be a whole number of days');
    const saved = await ada.post('/admin/privacy/retention').type('form').send({ 'core.audit': '365', 'auth.sessions': '7' }).redirects(0);
    expect(saved.headers.location).to.equal('/admin/privacy/retention?done=saved');
    expect((await ada.get('/api/v1/privacy/retention')).body.kinds.filter((k: { plugin: string }) => k.plugin !== 'x')
      .map((k: { kind: string; days: number }) => [k.kind, k.days])).to.deep.include.members([['core.audit', 365], ['auth.sessions', 7]]);
    expect((await ada.post('/api/v1/privacy/retention/run')).status).to.equal(202);
    await t.jobs.drain();
  });
});
