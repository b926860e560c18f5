// The auth plugin's pages through a real app and real browser credentials (session cookie + CSRF
// field): signing in, the admin forms, deactivation, permissions, escaping, the account page and
// password reset from the emailed link.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';
import auth from '../../../plugins/auth';
import { account, login, PASSWORD } from './helpers';

const sessionCookie = (res: { headers: Record<string, unknown> }) =>
  ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []).map((c) => c.split(';')[0]).find((c) => /^lectern_session=./.test(c));

describe('auth pages', () => {
  let t: TestApp;
  beforeEach(async () => { t = await createTestApp({ plugins: [auth] }); });
  afterEach(async () => { await t.close(); });

  it('signs in with the form and goes to a local next page only, signs out with the layout button; a wrong password shows the form again with 401', async () => {
    await account(t, 'ann@example.com');
    const wrong = await t.post('/login').type('form').send({ email: 'ann@example.com', password: 'not it', next: '/account' });
    expect(wrong.status).to.equal(401);
    expect(sessionCookie(wrong)).to.equal(undefined);
    expect(wrong.text).to.include('Wrong email or password.').and.include('value="ann@example.com"').and.include('name="next" value="/account"');

    const ok = await t.post('/login').type('form').send({ email: 'ann@example.com', password: PASSWORD, next: '/account' });
    expect(ok.status).to.equal(303);
    expect(ok.headers.location).to.equal('/account');
    const cookie = sessionCookie(ok) as string;
    const page = await t.get('/account').set('Cookie', cookie);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('ann@example.com').and.include('action="/logout"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    const out = await t.post('/logout').set('Cookie', cookie).type('form').send({ _csrf: csrf });
    expect(out.headers.location).to.equal('/login?done=signed-out');
    const signedOut = await t.get('/account?tab=1').set('Cookie', cookie);
    expect([signedOut.status, signedOut.headers.location], 'a page sends an anonymous browser to sign in').to.deep.equal([302, '/login?next=%2Faccount%3Ftab%3D1']);
    expect((await t.get('/api/v1/me').set('Cookie', cookie)).status, 'the API answers 401').to.equal(401);

    const offsite = await t.post('/login').type('form').send({ email: 'ann@example.com', password: PASSWORD, next: '//evil.example/x' });
    expect(offsite.status).to.equal(303);
    expect(offsite.headers.location).to.equal('/');
  });

  it('lets an admin create a user with the form; without _csrf the same POST is 403 and creates nothing; mistakes show the form again', async () => {
    await account(t, 'root@example.com', ['admin']);
    const s = await login(t, 'root@example.com');
    const form = { email: 'new@example.com', name: 'New Person', password: '' };

    const forged = await t.post('/admin/users').set('Cookie', s.cookie).type('form').send(form);
    expect(forged.status).to.equal(403);
    expect(await t.db('auth_users').where({ email: 'new@example.com' }).first()).to.equal(undefined);

    const bad = await t.post('/admin/users').set('Cookie', s.cookie).type('form').send({ ...form, email: 'not-an-email', _csrf: s.csrf });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.match(/<p class="field__error" id="create-email-error">.*Email must be an email address/)
      .and.include('aria-describedby="create-email-error"').and.include('value="New Person"');

    const created = await t.post('/admin/users').set('Cookie', s.cookie).type('form').send({ ...form, _csrf: s.csrf });
    expect(created.status).to.equal(303);
    const row = await t.db('auth_users').where({ email: 'new@example.com' }).first();
    expect(row).to.include({ name: 'New Person', status: 'active', password_hash: null });
    expect(created.headers.location).to.equal(`/admin/users/${row.id}?done=invited`);
    const audit = await t.db('core_audit').where({ action: 'auth.user.create', target_id: String(row.id) }).first();
    expect(audit, 'audit record').to.not.equal(undefined);

    const again = await t.post('/admin/users').set('Cookie', s.cookie).type('form').send({ ...form, _csrf: s.csrf });
    expect(again.status).to.equal(409);
    expect(again.text).to.include('already exists').and.include('Email is already in use');
  });

  it('ends the sessions of a user deactivated on the admin page', async () => {
    await account(t, 'root@example.com', ['admin']);
    const admin = await login(t, 'root@example.com');
    const bob = await account(t, 'bob@example.com');
    const bobSession = await login(t, 'bob@example.com');
    expect((await t.get('/account').set('Cookie', bobSession.cookie)).status).to.equal(200);

    const res = await t.post(`/admin/users/${bob.id}/deactivate`).set('Cookie', admin.cookie).type('form').send({ _csrf: admin.csrf });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/admin/users/${bob.id}?done=deactivated`);
    expect((await t.get('/api/v1/me').set('Cookie', bobSession.cookie)).status).to.equal(401);
    expect((await t.get('/api/v1/me').set(bob.auth)).status).to.equal(401);
    expect(await t.db('auth_sessions').where({ user_id: bob.id }).count('* as n').first()).to.deep.equal({ n: 0 });
  });

  it('refuses /admin/users to a learner and leaves it out of their nav; an admin has it', async () => {
    const learner = await account(t, 'lee@example.com', ['learner']);
    const denied = await t.get('/admin/users').set(learner.auth).set('Accept', 'text/html');
    expect(denied.status).to.equal(403);
    const home = await t.get('/').set(learner.auth);
    expect(home.text).to.not.include('href="/admin/users"');
    const admin = await account(t, 'root@example.com', ['admin']);
    const adminHome = await t.get('/').set(admin.auth);
    expect(adminHome.text).to.include('href="/admin/users"').and.include('href="/admin/roles"').and.include('href="/admin/cohorts"');
  });

  it('escapes a user name on the list page', async () => {
    const admin = await account(t, 'root@example.com', ['admin']);
    await t.db('auth_users').insert({ email: 'x@example.com', name: '<script>alert("x")</script>' });
    const res = await t.get('/admin/users?q=x%40example').set(admin.auth);
    expect(res.status).to.equal(200);
    expect(res.text).to.include('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;').and.not.include('<script>alert');
  });

  it('creates an API token on the account page, shows it once, and it works as a bearer token', async () => {
    await account(t, 'ann@example.com');
    const s = await login(t, 'ann@example.com');
    const res = await t.post('/account/tokens').set('Cookie', s.cookie).type('form').send({ name: 'reporting script', _csrf: s.csrf });
    expect(res.status).to.equal(201);
    const token = /<code class="secret">(lct_[\w-]+)<\/code>/.exec(res.text)?.[1] as string;
    expect(token, 'token on the page').to.be.a('string');
    expect((await t.get('/api/v1/me').set('Authorization', `Bearer ${token}`)).body.email).to.equal('ann@example.com');
    const later = await t.get('/account').set('Cookie', s.cookie);
    expect(later.text).to.include('reporting script').and.not.include(token);
  });

  it('sets a new password from the emailed reset link', async () => {
    await account(t, 'ann@example.com');
    const asked = await t.post('/password-reset').type('form').send({ email: 'ann@example.com' });
    const unknown = await t.post('/password-reset').type('form').send({ email: 'nobody@example.com' });
    expect(asked.status).to.equal(200);
    expect(asked.text.replace('ann@example.com', '')).to.equal(unknown.text.replace('nobody@example.com', ''));
    await t.jobs.drain();
    const outbox = path.join(t.app.config.dataDir, 'outbox');
    const mails = fs.readdirSync(outbox).map((f) => fs.readFileSync(path.join(outbox, f), 'utf8'));
    expect(mails).to.have.length(1);
    const text = mails[0].replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    const link = /\/password-reset\?token=([\w-]+)/.exec(text)?.[1] as string;

    const form = await t.get(`/password-reset?token=${link}`);
    expect(form.text).to.include(`name="token" value="${link}"`);
    const weak = await t.post('/password-reset/confirm').type('form').send({ token: link, password: 'short', confirm: 'short' });
    expect(weak.status).to.equal(400);
    expect(weak.text).to.include('New password must be at least');
    const set = await t.post('/password-reset/confirm').type('form').send({ token: link, password: 'a new long password', confirm: 'a new long password' });
    expect(set.status).to.equal(303);
    expect(set.headers.location).to.equal('/login?done=password-set');
    const signIn = await t.post('/login').type('form').send({ email: 'ann@example.com', password: 'a new long password' });
    expect(signIn.status).to.equal(303);
  });
});
