// Privacy requests on both drivers: who may ask for what (a person about themselves, pending; a privacy
// manager about anyone, approved at once; anyone else refused alike whether or not the account exists),
// approval and rejection (409 once decided), the last administrator never erased, downloads by the subject
// or a manager only (409 before ready, 410 after expiry on the driven clock, the file gone), lists scoped to
// the caller, bad input named, and the pages (my data with the erase confirmation, the admin list and form).
import { expect } from 'chai';
import { CoreServices, type Persona, type TestApp } from 'lectern';
import { expireExports } from '../../../plugins/privacy/requests/jobs';
import { ok, privacyWorld, type PrivacyWorld } from './helpers';

type Json = Record<string, unknown>;

describe('privacy: requests', function () {
  this.timeout(60_000);
  let w: PrivacyWorld;
  let t: TestApp;
  let ann: Persona;
  let bob: Persona;

  const ask = (who: Persona, userId: string, type: string) => who.post('/api/v1/privacy/requests').send({ userId, type });
  const text = (res: { body: unknown; text?: string }) => res.text ?? '';

  before(async () => {
    w = await privacyWorld();
    t = w.t;
    ann = await t.persona('ann');
    bob = await t.persona('bob');
  });
  after(() => t?.close());

  it('lets a person ask about themselves only, refusing another id alike whether or not it exists', async () => {
    const mine = await ok<Json>(ask(ann, ann.id, 'export'), 201);
    expect({ type: mine.type, status: mine.status, userId: mine.userId, requestedBy: mine.requestedBy, decidedBy: mine.decidedBy })
      .to.deep.equal({ type: 'export', status: 'pending', userId: ann.id, requestedBy: ann.id, decidedBy: null });
    const other = await ask(ann, bob.id, 'export');
    const nobody = await ask(ann, '999999', 'export');
    expect([other.status, nobody.status, other.body.detail === nobody.body.detail]).to.deep.equal([403, 403, true]);
    expect((await ask(ann, ann.id, 'export')).status, 'one open request of a type').to.equal(409);
    expect((await ask(w.officer, '999999', 'export')).status, 'a manager learns the account does not exist').to.equal(404);
    // Not theirs to decide, nor to read.
    expect((await ann.post(`/api/v1/privacy/requests/${String(mine.id)}/approve`)).status).to.equal(403);
    expect((await bob.get(`/api/v1/privacy/requests/${String(mine.id)}`)).status).to.equal(404);
    expect((await bob.get(`/api/v1/privacy/requests/${String(mine.id)}/download`)).status).to.equal(404);
    expect((await ann.get(`/api/v1/privacy/requests/${String(mine.id)}/download`)).status, 'not ready yet').to.equal(409);
  });

  it('approves at once what a privacy manager asks for, queues the export, serves it to the subject and managers only, and expires it', async () => {
    const made = await ok<Json>(ask(w.officer, bob.id, 'export'), 201);
    expect({ status: made.status, decidedBy: made.decidedBy }).to.deep.equal({ status: 'approved', decidedBy: w.officer.id });
    expect((await w.officer.post(`/api/v1/privacy/requests/${String(made.id)}/approve`)).status, 'no longer pending').to.equal(409);
    await t.jobs.drain();
    const ready = await ok<Json>(bob.get(`/api/v1/privacy/requests/${String(made.id)}`));
    expect(ready.status).to.equal('ready');
    expect(ready.expiresAt).to.equal('2030-05-08T09:00:00.000Z');
    const res = await bob.get(`/api/v1/privacy/requests/${String(made.id)}/download`);
    expect({
      status: res.status, type: res.headers['content-type'], cache: res.headers['cache-control'],
      disposition: res.headers['content-disposition'], subject: res.body.subject,
    }).to.deep.equal({
      status: 200, type: 'application/json; charset=utf-8', cache: 'no-store',
      disposition: `attachment; filename="privacy-export-${String(made.id)}.json"`, subject: { id: bob.id },
    });
    expect((await w.officer.get(`/api/v1/privacy/requests/${String(made.id)}/download`)).status).to.equal(200);
    expect((await ann.get(`/api/v1/privacy/requests/${String(made.id)}/download`)).status).to.equal(404);
    expect((await w.admin.get(`/api/v1/privacy/requests/${String(made.id)}/download`)).status, 'the admin role holds privacy:manage').to.equal(200);

    const storage = t.app.contextOf('privacy').resolve(CoreServices.storage);
    expect(await storage.stat(`exports/${String(made.id)}.json`)).to.not.equal(null);
    w.clock.set('2030-05-08T09:00:01.000Z');
    const gone = await bob.get(`/api/v1/privacy/requests/${String(made.id)}/download`);
    expect({ status: gone.status, file: await storage.stat(`exports/${String(made.id)}.json`), now: (await ok<Json>(bob.get(`/api/v1/privacy/requests/${String(made.id)}`))).status })
      .to.deep.equal({ status: 410, file: null, now: 'expired' });
    expect((await bob.get(`/api/v1/privacy/requests/${String(made.id)}/download`)).status).to.equal(410);
    w.clock.set('2030-05-01T09:00:00.000Z');
  });

  it('the hourly sweep deletes expired bundles', async () => {
    const made = await ok<Json>(ask(w.officer, w.officer.id, 'export'), 201);
    await t.jobs.drain();
    w.clock.set('2030-06-01T00:00:00.000Z');
    await t.app.contextOf('privacy').enqueue(expireExports, {});
    await t.jobs.drain();
    const row = await t.db('privacy_requests').where({ id: String(made.id) }).first('status', 'file_key');
    expect(row).to.deep.equal({ status: 'expired', file_key: null });
    w.clock.set('2030-05-01T09:00:00.000Z');
  });

  it('rejects with a reason, and refuses decisions on requests no longer pending', async () => {
    await t.jobs.drain();
    const asked = await ok<Json>(ask(bob, bob.id, 'erase'), 201);
    const missing = await w.officer.post(`/api/v1/privacy/requests/${String(asked.id)}/reject`).send({});
    expect([missing.status, missing.body.errors?.[0]?.path]).to.deep.equal([400, 'body.reason']);
    const rejected = await ok<Json>(w.officer.post(`/api/v1/privacy/requests/${String(asked.id)}/reject`).send({ reason: 'Open disciplinary case.' }));
    expect({ status: rejected.status, reason: rejected.reason, decidedBy: rejected.decidedBy })
      .to.deep.equal({ status: 'rejected', reason: 'Open disciplinary case.', decidedBy: w.officer.id });
    expect((await w.officer.post(`/api/v1/privacy/requests/${String(asked.id)}/approve`)).status).to.equal(409);
    expect((await w.officer.post(`/api/v1/privacy/requests/${String(asked.id)}/reject`).send({ reason: 'again' })).status).to.equal(409);
  });

  it('never erases the last active administrator, and a manager cannot approve their own erasure', async () => {
    // The test app's first administrator steps down, so the persona is the last active one.
    const first = await t.db('auth_users').where({ email: 'admin@localhost' }).first('id');
    await ok(w.admin.post(`/api/v1/users/${String(first.id)}/deactivate`));
    const refused = await ask(w.officer, w.admin.id, 'erase');
    expect([refused.status, refused.body.detail]).to.deep.equal([409, 'Cannot erase this person: they are the last active administrator.']);
    const own = await ok<Json>(ask(w.officer, w.officer.id, 'erase'), 201);
    expect(own.status, 'a manager\'s own erasure waits for another').to.equal('pending');
    expect((await w.officer.post(`/api/v1/privacy/requests/${String(own.id)}/approve`)).status).to.equal(409);
    const byAdmin = await w.admin.post(`/api/v1/privacy/requests/${String(own.id)}/reject`).send({ reason: 'Not now.' });
    expect(byAdmin.status).to.equal(200);
    expect(await t.db('auth_users').where({ id: w.admin.id }).first('status')).to.deep.equal({ status: 'active' });
  });

  it('lists every request to a manager (filtered, paged) and only their own to anyone else', async () => {
    const all = await ok<{ items: Json[]; nextCursor: string | null }>(w.officer.get('/api/v1/privacy/requests?limit=200'));
    const own = await ok<{ items: Json[] }>(ann.get('/api/v1/privacy/requests'));
    const widened = await ok<{ items: Json[] }>(ann.get(`/api/v1/privacy/requests?userId=${bob.id}`));
    expect(own.items.length).to.be.greaterThan(0);
    expect(own.items.every((r) => r.userId === ann.id)).to.equal(true);
    expect(widened.items).to.deep.equal([]);
    const rejected = await ok<{ items: Json[] }>(w.officer.get('/api/v1/privacy/requests?status=rejected&type=erase'));
    expect(rejected.items.map((r) => [r.status, r.type])).to.deep.equal([['rejected', 'erase'], ['rejected', 'erase']]);
    const paged: Json[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Json[]; nextCursor: string | null } = await ok(w.officer.get(`/api/v1/privacy/requests?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      paged.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged.map((r) => r.id)).to.deep.equal(all.items.map((r) => r.id));
    expect(all.items.map((r) => Number(r.id))).to.deep.equal(all.items.map((r) => Number(r.id)).sort((a, b) => b - a));
  });

  it('names every bad field, and answers 401 to nobody', async () => {
    const bad = await w.officer.post('/api/v1/privacy/requests').send({ userId: 'abc', type: 'delete' });
    expect([bad.status, [...new Set((bad.body.errors as { path: string }[]).map((e) => e.path))].sort()]).to.deep.equal([400, ['body.type', 'body.userId']]);
    expect((await w.officer.get('/api/v1/privacy/requests?status=lost')).status).to.equal(400);
    expect((await w.officer.get('/api/v1/privacy/requests/x1')).status).to.equal(400);
    expect((await t.post('/api/v1/privacy/requests').send({ userId: '1', type: 'export' })).status).to.equal(401);
  });

  it('serves the pages: my data with an erase confirmation, and the admin list, form and request page', async () => {
    const carl = await t.persona('carl');
    const page = await carl.get('/account/privacy');
    expect([page.status, text(page).includes('My data')]).to.deep.equal([200, true]);
    const exported = await carl.post('/account/privacy/export').type('form').send({});
    expect([exported.status, exported.headers.location]).to.deep.equal([303, '/account/privacy?done=export']);
    const confirm = await carl.get('/account/privacy/erase');
    expect(text(confirm)).to.contain('Kept, without anything that names you');
    const unconfirmed = await carl.post('/account/privacy/erase').type('form').send({});
    expect([unconfirmed.status, text(unconfirmed).includes('must be ticked')]).to.deep.equal([400, true]);
    const erased = await carl.post('/account/privacy/erase').type('form').send({ confirm: 'yes' });
    expect(erased.status).to.equal(303);
    const mine = await ok<{ items: Json[] }>(carl.get('/api/v1/privacy/requests'));
    expect(mine.items.map((r) => [r.type, r.status])).to.deep.equal([['erase', 'pending'], ['export', 'pending']]);

    const list = await w.officer.get('/admin/privacy?status=pending');
    expect([list.status, text(list).includes('carl@example.test')]).to.deep.equal([200, true]);
    expect((await carl.get('/admin/privacy')).status).to.equal(403);
    const unknown = await w.officer.post('/admin/privacy').type('form').send({ email: 'nobody@example.test', type: 'export' });
    expect([unknown.status, text(unknown).includes('has no account')]).to.deep.equal([400, true]);
    const created = await w.officer.post('/admin/privacy').type('form').send({ email: 'bob@example.test', type: 'erase' });
    expect(created.status).to.equal(303);
    expect(created.headers.location).to.match(/^\/admin\/privacy\/requests\/\d+\?done=created$/);

    const erase = mine.items[0];
    const one = await w.officer.get(`/admin/privacy/requests/${String(erase.id)}`);
    expect([one.status, text(one).includes('carl@example.test')]).to.deep.equal([200, true]);
    const noTick = await w.officer.post(`/admin/privacy/requests/${String(erase.id)}/approve`).type('form').send({});
    expect(noTick.status).to.equal(400);
    const rejected = await w.officer.post(`/admin/privacy/requests/${String(erase.id)}/reject`).type('form').send({ reason: 'Ask HR first.' });
    expect([rejected.status, (await ok<Json>(carl.get(`/api/v1/privacy/requests/${String(erase.id)}`))).reason]).to.deep.equal([303, 'Ask HR first.']);
  });
});
