// Policies (issue 15): publishing versions, what a person must still accept, and the request guard — a
// signed-in person who has not accepted the current version of every published policy is sent to
// /policies/accept (pages) or refused with 403 policy-acceptance-required (API) until they accept, then
// passes; a new version blocks again (holders of privacy:bypassPolicies excepted). Also the pages, the
// safe `next`, the sanitized rendering and bad input.
import { expect } from 'chai';
import { createTestApp, type Persona, type TestApp } from 'lectern';
import { eventually } from '../../core/helpers';

describe('privacy: policies', function () {
  this.timeout(60_000);
  let t: TestApp;
  let ada: Persona;
  let lou: Persona;
  before(async () => {
    t = await createTestApp({ plugins: ['auth', 'privacy'] });
    ada = await t.persona('ada', 'admin');
    lou = await t.persona('lou');
  });
  after(() => t?.close());

  const publish = async (kind: string, title: string, body = 'We keep **little**.') => {
    const res = await ada.post('/api/v1/policies').send({ kind, title, body });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    // Administrators may go on without accepting (privacy:bypassPolicies); accepting works for them too.
    expect((await ada.post('/api/v1/me/policy-acceptances').send({ policyVersionId: res.body.id })).status).to.equal(201);
    return res.body as { id: string; version: number; html: string };
  };
  const accept = async (who: Persona, policyVersionId: string) => who.post('/api/v1/me/policy-acceptances').send({ policyVersionId });
  const page = (who: Persona, path: string) => who.get(path).set('Accept', 'text/html').redirects(0);

  it('lets everyone through while no policy is published', async () => {
    expect((await lou.get('/api/v1/me/policies')).body).to.deep.equal({ current: [], pending: [] });
    expect((await lou.get('/api/v1/me/sessions')).status).to.equal(200);
    expect((await page(lou, '/account')).status).to.equal(200);
  });

  it('blocks a person until they accept the current version, then lets them pass; a new version blocks again', async () => {
    const v1 = await publish('privacy', 'Privacy notice');
    expect(v1.version).to.equal(1);

    const refused = await lou.get('/api/v1/me/sessions');
    expect(refused.status).to.equal(403);
    expect(refused.body.type).to.equal('urn:lectern:problem:policy-acceptance-required');
    expect(refused.body.errors).to.deep.equal([{ path: 'policyVersionId', message: `${v1.id} (privacy version 1)` }]);
    const sent = await page(lou, '/account');
    expect(sent.status).to.equal(303);
    expect(sent.headers.location).to.equal('/policies/accept?next=%2Faccount');
    // Open: who am I, what must I accept, the pages to read and accept; anonymous requests are not this guard's.
    expect((await lou.get('/api/v1/me')).status).to.equal(200);
    expect((await lou.get('/api/v1/me/policies')).body.pending).to.deep.equal([v1.id]);
    const acceptPage = await page(lou, '/policies/accept?next=/account');
    expect(acceptPage.status).to.equal(200);
    expect(acceptPage.text).to.include('Privacy notice').and.include('<strong>little</strong>');
    expect((await page(lou, '/policies/privacy')).status).to.equal(200);
    expect((await t.get('/api/v1/me/sessions')).status).to.equal(401);

    const accepted = await accept(lou, v1.id);
    expect(accepted.status).to.equal(201);
    expect(accepted.body.policyVersionId).to.equal(v1.id);
    expect((await lou.get('/api/v1/me/sessions')).status).to.equal(200);
    expect((await page(lou, '/account')).status).to.equal(200);
    expect((await accept(lou, v1.id)).status, 'accepting again is fine').to.equal(201);

    const v2 = await publish('privacy', 'Privacy notice', 'We keep even less.');
    expect(v2.version).to.equal(2);
    expect((await lou.get('/api/v1/me/sessions')).status).to.equal(403);
    expect((await page(lou, '/account')).status).to.equal(303);
    expect((await accept(lou, v1.id)).status, 'an old version').to.equal(409);
    expect((await accept(lou, '999999')).status, 'an unknown version').to.equal(404);
    expect((await accept(lou, v2.id)).status).to.equal(201);
    expect((await lou.get('/api/v1/me/sessions')).status).to.equal(200);
  });

  it('asks for every published kind, and the accept form sends the person back to a page of this site only', async () => {
    const terms = await publish('terms', 'Terms of use');
    expect((await lou.get('/api/v1/me/policies')).body.pending).to.deep.equal([terms.id]);
    const offsite = await lou.post('/policies/accept').type('form').send({ versionIds: terms.id, next: '//evil.example/x' }).redirects(0);
    expect(offsite.status).to.equal(303);
    const back = await page(lou, offsite.headers.location as string);
    expect(back.status).to.equal(303);
    expect(back.headers.location).to.equal('/');
    expect((await lou.get('/api/v1/me/sessions')).status).to.equal(200);

    const terms2 = await publish('terms', 'Terms of use');
    const form = await lou.post('/policies/accept').type('form').send({ versionIds: terms2.id, next: '/account' }).redirects(0);
    expect((await page(lou, form.headers.location as string)).headers.location).to.equal('/account');
  });

  it('lists the current versions for privacy managers only, renders Markdown safely, and refuses bad input', async () => {
    const list = await ada.get('/api/v1/policies');
    expect(list.status).to.equal(200);
    expect(list.body.items.map((v: { kind: string; version: number }) => `${v.kind}:${v.version}`)).to.deep.equal(['privacy:2', 'terms:2']);
    expect((await lou.get('/api/v1/policies')).status).to.equal(403);
    expect((await lou.post('/api/v1/policies').send({ kind: 'privacy', title: 'Mine', body: 'x' })).status).to.equal(403);

    const bad = await ada.post('/api/v1/policies').send({ kind: 'cookies', title: '', body: 'x' });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).to.include.members(['body.kind', 'body.title']);
    expect((await accept(lou, 'abc')).status).to.equal(400);
    expect((await t.get('/policies/cookies')).status).to.equal(400);

    const unsafe = await publish('terms', 'Terms', 'Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>');
    expect(unsafe.html).to.not.match(/script|javascript|onerror|<img/);
    const shown = await t.get('/policies/terms').set('Accept', 'text/html');
    expect(shown.status).to.equal(200);
    expect(shown.text).to.not.include('alert(1)</script>');
    await accept(lou, unsafe.id);
  });

  it('publishes from the admin page, with a mistake shown beside its field', async () => {
    const empty = await ada.post('/admin/policies').type('form').send({ kind: 'privacy', title: ' ', body: '' });
    expect(empty.status).to.equal(400);
    expect(empty.text).to.include('field__error');
    const done = await ada.post('/admin/policies').type('form').send({ kind: 'privacy', title: 'Privacy notice', body: 'Version three.' }).redirects(0);
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.equal('/admin/policies?done=published');
    // Administrators hold privacy:bypassPolicies: they go on before accepting; a privacy officer without it does not.
    expect((await ada.get('/api/v1/me/policies')).body.pending).to.have.length(1);
    const admin = await page(ada, '/admin/policies');
    expect(admin.status).to.equal(200);
    expect(admin.text).to.include('Version').and.include('Privacy notice');
    expect((await page(lou, '/admin/policies')).status).to.equal(303);
    await ada.post('/api/v1/roles').send({ key: 'privacy-officer', name: 'Privacy officer', permissions: ['privacy:manage'] });
    const pia = await t.persona('pia', 'privacy-officer');
    expect((await pia.get('/api/v1/policies')).status).to.equal(403);
    expect((await page(pia, '/admin/policies')).status).to.equal(303);
  });

  it('tells every instance of a publication and an acceptance through the change notices', async () => {
    const second = await createTestApp({ plugins: ['auth', 'privacy'], shareWith: t });
    try {
      const status = async () => (await second.as(lou.id).get('/api/v1/me/sessions')).status;
      expect(await status(), 'the version published from the admin page is still to accept').to.equal(403);
      const pending = (await lou.get('/api/v1/me/policies')).body.pending as string[];
      for (const id of pending) expect((await accept(lou, id)).status).to.equal(201);
      await eventually(async () => (await status()) === 200, 5000);
      await publish('terms', 'Terms of use', 'Newer terms.');
      await eventually(async () => (await status()) === 403, 5000);
      const pendingThere = (await second.as(lou.id).get('/api/v1/me/policies')).body.pending as string[];
      expect((await second.as(lou.id).post('/api/v1/me/policy-acceptances').send({ policyVersionId: pendingThere[0] })).status).to.equal(201);
      await eventually(async () => (await lou.get('/api/v1/me/sessions')).status === 200, 5000);
    } finally {
      await second.close();
    }
  });

  it('exports and erases a person\'s acceptances', async () => {
    const provider = t.app.privacy.list().find((p) => p.plugin === 'privacy')?.provider;
    const ctx = t.app.contextOf('privacy');
    const exported = await provider?.export(lou.id, ctx) as { policyAcceptances: unknown[] };
    expect(exported.policyAcceptances.length).to.be.at.least(5);
    await provider?.erase(lou.id, ctx);
    expect(await t.db('privacy_policy_acceptances').where({ user_id: lou.id }).count({ n: '*' }).first()).to.deep.equal({ n: 0 });
  });
});
