// Signing in and staying signed in: sessions, CSRF, tokens, throttling, password reset, and the
// promise that a deactivated account stops working at once, on every instance.
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';
import { account, linkToken, login, outbox, PASSWORD } from './helpers';
import { cleanup } from '../../../plugins/auth/cleanup';
import { eventually } from '../../core/helpers';

describe('auth: sessions, tokens and passwords', () => {
  let t: TestApp;
  let now = new Date('2026-06-01T10:00:00Z');
  before(async () => { t = await createTestApp({ plugins: ['auth'], clock: () => now }); });
  after(() => t.close());
  beforeEach(() => { now = new Date(now.getTime() + 86_400_000); });

  it('logs in with a rotated HttpOnly SameSite=Lax cookie, requires CSRF for cookie writes, and logs out', async () => {
    await account(t, 'ann@example.com');
    const first = await login(t, 'ann@example.com');
    const res = await t.post('/api/v1/auth/login').set('Cookie', first.cookie).set('X-CSRF-Token', first.csrf)
      .send({ email: 'ANN@example.com', password: PASSWORD });
    expect(res.status).to.equal(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).to.match(/lectern_session=[^;]+;.*httponly/i).and.match(/samesite=lax/i);
    const second = setCookie.split(';')[0];
    expect(second).to.not.equal(first.cookie);
    expect((await t.get('/api/v1/me').set('Cookie', first.cookie)).status, 'the old session id is dead').to.equal(401);

    const me = await t.get('/api/v1/me').set('Cookie', second);
    expect(me.status).to.equal(200);
    expect(me.body.email).to.equal('ann@example.com');
    const noCsrf = await t.patch('/api/v1/me').set('Cookie', second).send({ name: 'Ann' });
    expect(noCsrf.status).to.equal(403);
    expect(noCsrf.body.detail).to.match(/CSRF/);
    const withCsrf = await t.patch('/api/v1/me').set('Cookie', second).set('X-CSRF-Token', res.body.csrfToken).send({ name: 'Ann' });
    expect(withCsrf.status).to.equal(200);
    expect(withCsrf.body.name).to.equal('Ann');

    expect((await t.post('/api/v1/auth/logout').set('Cookie', second).set('X-CSRF-Token', res.body.csrfToken)).status).to.equal(204);
    expect((await t.get('/api/v1/me').set('Cookie', second)).status).to.equal(401);
  });

  it('expires sessions after the idle time and the absolute lifetime', async () => {
    await account(t, 'idle@example.com');
    const s = await login(t, 'idle@example.com');
    now = new Date(now.getTime() + 119 * 60_000);
    expect((await t.get('/api/v1/me').set('Cookie', s.cookie)).status, 'used within the idle window').to.equal(200);
    now = new Date(now.getTime() + 119 * 60_000);
    expect((await t.get('/api/v1/me').set('Cookie', s.cookie)).status, 'the last use restarted the idle window').to.equal(200);
    now = new Date(now.getTime() + 121 * 60_000);
    expect((await t.get('/api/v1/me').set('Cookie', s.cookie)).status, 'idle too long').to.equal(401);

    const fresh = await login(t, 'idle@example.com');
    for (let h = 0; h < 23; h += 1) {
      now = new Date(now.getTime() + 60 * 60_000);
      expect((await t.get('/api/v1/me').set('Cookie', fresh.cookie)).status).to.equal(200);
    }
    now = new Date(now.getTime() + 61 * 60_000);
    expect((await t.get('/api/v1/me').set('Cookie', fresh.cookie)).status, 'past the absolute lifetime').to.equal(401);
  });

  it('lists and revokes my sessions and API tokens; tokens are hashed at rest and expire', async () => {
    const a = await account(t, 'tok@example.com');
    const s = await login(t, 'tok@example.com');
    const sessions = await t.get('/api/v1/me/sessions').set(a.auth);
    expect(sessions.body.items).to.have.length(1);
    expect((await t.delete(`/api/v1/me/sessions/${sessions.body.items[0].id}`).set(a.auth)).status).to.equal(204);
    expect((await t.get('/api/v1/me').set('Cookie', s.cookie)).status).to.equal(401);

    const created = await t.post('/api/v1/auth/tokens').send({ email: 'tok@example.com', password: PASSWORD, name: 'ci' });
    expect(created.status).to.equal(201);
    expect(created.body.token).to.match(/^lct_/);
    const stored: string[] = await t.db('auth_tokens').pluck('token_hash');
    expect(stored.some((h) => h.includes(created.body.token) || created.body.token.includes(h))).to.equal(false);
    const list = await t.get('/api/v1/me/tokens').set(a.auth);
    expect(list.body.items.map((i: { name: string }) => i.name)).to.include('ci');
    expect(JSON.stringify(list.body)).to.not.include(created.body.token);
    expect((await t.delete(`/api/v1/me/tokens/${created.body.id}`).set(a.auth)).status).to.equal(204);
    expect((await t.delete(`/api/v1/me/tokens/${created.body.id}`).set(a.auth)).status, 'revoking twice').to.equal(404);
    expect((await t.get('/api/v1/me').set('Authorization', `Bearer ${created.body.token}`)).status).to.equal(401);

    now = new Date(now.getTime() + 91 * 86_400_000);
    expect((await t.get('/api/v1/me').set(a.auth)).status, 'a token past its expiry').to.equal(401);
  });

  it('throttles failed logins per account and per address across instances, with Retry-After', async () => {
    await account(t, 'victim@example.com');
    const other = await createTestApp({ plugins: ['auth'], shareWith: t, clock: () => now });
    try {
      for (let i = 0; i < 5; i += 1) {
        const app = i % 2 ? other : t;
        expect((await app.post('/api/v1/auth/login').send({ email: 'victim@example.com', password: 'wrong' })).status).to.equal(401);
      }
      const blocked = await other.post('/api/v1/auth/login').send({ email: 'victim@example.com', password: PASSWORD });
      expect(blocked.status).to.equal(429);
      expect(Number(blocked.headers['retry-after'])).to.be.within(1, 15 * 60);
      expect((await t.post('/api/v1/auth/tokens').send({ email: 'victim@example.com', password: PASSWORD })).status).to.equal(429);
      now = new Date(now.getTime() + 16 * 60_000);
      expect((await t.post('/api/v1/auth/login').send({ email: 'victim@example.com', password: PASSWORD })).status).to.equal(200);
    } finally {
      await other.close();
    }
  });

  it('gives the same answer for unknown accounts, wrong passwords and deactivated accounts', async () => {
    const d = await account(t, 'gone@example.com');
    await t.db('auth_users').where({ id: d.id }).update({ status: 'deactivated' });
    const answers = await Promise.all([
      t.post('/api/v1/auth/login').send({ email: 'nobody@example.com', password: PASSWORD }),
      t.post('/api/v1/auth/login').send({ email: 'tok@example.com', password: 'wrong password' }),
      t.post('/api/v1/auth/login').send({ email: 'gone@example.com', password: PASSWORD }),
      t.post('/api/v1/auth/tokens').send({ email: 'gone@example.com', password: PASSWORD }),
    ]);
    expect(answers.map((r) => [r.status, r.body.detail])).to.deep.equal(Array(4).fill([401, 'Wrong email or password.']));
    const resets = await Promise.all(['nobody@example.com', 'gone@example.com', 'tok@example.com']
      .map((email) => t.post('/api/v1/auth/password-reset').send({ email })));
    expect(resets.map((r) => [r.status, r.body])).to.deep.equal(Array(3).fill([202, { status: 'accepted' }]));
    await t.jobs.drain();
    expect(outbox(t).filter((m) => /nobody|gone/.test(m.to))).to.deep.equal([]);
  });

  it('resets a password with a single-use link that expires', async () => {
    const a = await account(t, 'reset@example.com');
    expect((await t.post('/api/v1/auth/password-reset').send({ email: 'Reset@Example.com' })).status).to.equal(202);
    await t.jobs.drain();
    const token = linkToken(t, 'reset@example.com');
    const weak = await t.post('/api/v1/auth/password-reset/confirm').send({ token, password: 'short' });
    expect(weak.status).to.equal(400);
    expect(weak.body.errors[0].path).to.equal('body.password');
    expect((await t.post('/api/v1/auth/password-reset/confirm').send({ token, password: 'a brand new secret' })).status).to.equal(204);
    expect((await t.get('/api/v1/me').set(a.auth)).status, 'a reset ends existing credentials').to.equal(401);
    const again = await t.post('/api/v1/auth/password-reset/confirm').send({ token, password: 'another new secret' });
    expect(again.status).to.equal(400);
    expect((await t.post('/api/v1/auth/login').send({ email: 'reset@example.com', password: 'a brand new secret' })).status).to.equal(200);

    await t.post('/api/v1/auth/password-reset').send({ email: 'reset@example.com' });
    await t.jobs.drain();
    const late = linkToken(t, 'reset@example.com');
    now = new Date(now.getTime() + 61 * 60_000);
    expect((await t.post('/api/v1/auth/password-reset/confirm').send({ token: late, password: 'too late for this' })).status).to.equal(400);
  });

  it('mails one address at most five reset links a quarter hour, answering the same whether or not it has an account', async () => {
    await account(t, 'flooded@example.com');
    const sentBefore = outbox(t).length;
    const ask = (email: string) => t.post('/api/v1/auth/password-reset').send({ email });
    const toVictim = [];
    for (let i = 0; i < 6; i += 1) toVictim.push((await ask('flooded@example.com')).status);
    const unknown = [];
    for (let i = 0; i < 6; i += 1) unknown.push((await ask('no-account@example.com')).status);
    await t.jobs.drain();
    const sixth = await ask('flooded@example.com');
    expect({
      toVictim, unknown, retryAfter: Number(sixth.headers['retry-after']) > 0,
      mailed: outbox(t).slice(sentBefore).filter((m) => m.to === 'flooded@example.com').length,
    }, 'the same answers whether or not the address has an account').to.deep.equal({
      toVictim: [202, 202, 202, 202, 202, 429], unknown: [202, 202, 202, 202, 202, 429], retryAfter: true, mailed: 5,
    });
    now = new Date(now.getTime() + 16 * 60_000);
    expect((await ask('flooded@example.com')).status, 'a quarter hour later').to.equal(202);
  });

  it('sweeps expired sessions, tokens, used links and old throttles every night', async () => {
    const old = await account(t, 'old-timer@example.com');
    await login(t, 'old-timer@example.com');
    await t.post('/api/v1/auth/password-reset').send({ email: 'old-timer@example.com' });
    await t.post('/api/v1/auth/login').send({ email: 'nobody-at-all@example.com', password: 'x' });
    now = new Date(now.getTime() + 400 * 86_400_000);
    const live = await account(t, 'sweeper@example.com');
    const job = await t.app.contextOf('auth').enqueue(cleanup, {});
    await t.jobs.drain();
    const result = (await t.app.jobs.get(job.id))?.result as Record<string, number>;
    expect(result.tokens).to.be.at.least(1);
    expect(result.sessions).to.be.at.least(1);
    expect(result.links).to.be.at.least(1);
    expect(result.throttles).to.be.at.least(1);
    expect(await t.db('auth_tokens').pluck('user_id')).to.deep.equal([Number(live.id)]);
    expect(await t.db('auth_sessions').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    expect(await t.db('auth_links').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    expect(await t.db('auth_users').where({ id: old.id }).first('status')).to.deep.equal({ status: 'active' });
    // On the maintenance record too, with the same counts.
    const record = await t.db('core_audit').where({ action: 'auth.cleanup' }).orderBy('id', 'desc').first('details');
    expect(record?.details).to.deep.equal(result);
  });

  it('drops only the cached credentials of the user whose credentials changed', async () => {
    const [kim, lee] = [await account(t, 'kim@example.com'), await account(t, 'lee@example.com')];
    const kimSession = await login(t, 'kim@example.com');
    for (const auth of [kim.auth, lee.auth]) expect((await t.get('/api/v1/me').set(auth)).status, 'known (and cached)').to.equal(200);
    // Behind the plugin's back: only a cached credential still answers for these rows.
    await t.db('auth_tokens').whereIn('user_id', [kim.id, lee.id]).delete();
    const out = await t.post('/api/v1/auth/logout').set('Cookie', kimSession.cookie).set('X-CSRF-Token', kimSession.csrf);
    expect(out.status).to.equal(204);
    expect({
      kim: (await t.get('/api/v1/me').set(kim.auth)).status,
      lee: (await t.get('/api/v1/me').set(lee.auth)).status,
    }, 'kim\'s logout drops kim\'s cached token, not lee\'s').to.deep.equal({ kim: 401, lee: 200 });
  });

  it('stops a deactivated user\'s session and token at once, on a second instance too, and reactivation restores login', async () => {
    const admin = await account(t, 'boss@example.com', ['admin']);
    const u = await account(t, 'leaver@example.com');
    const s = await login(t, 'leaver@example.com');
    // The second instance polls for changes only once a minute: only the change notice can reach it in time.
    const second = await createTestApp({ plugins: ['auth'], shareWith: t, clock: () => now, config: { syncIntervalMs: 60_000 } });
    try {
      for (const app of [t, second]) {
        expect((await app.get('/api/v1/me').set(u.auth)).status, 'token known (and cached)').to.equal(200);
        expect((await app.get('/api/v1/me').set('Cookie', s.cookie)).status, 'session known (and cached)').to.equal(200);
      }
      const off = await t.post(`/api/v1/users/${u.id}/deactivate`).set(admin.auth);
      expect(off.status).to.equal(200);
      expect(off.body.status).to.equal('deactivated');
      const here = await Promise.all([
        t.get('/api/v1/me').set(u.auth), t.get('/api/v1/me').set('Cookie', s.cookie),
        t.post('/api/v1/auth/login').send({ email: 'leaver@example.com', password: PASSWORD }),
      ]);
      expect(here.map((r) => r.status), 'on the instance that deactivated, at once').to.deep.equal([401, 401, 401]);
      const elsewhere = await eventually(async () => {
        const [token, cookie] = await Promise.all([second.get('/api/v1/me').set(u.auth), second.get('/api/v1/me').set('Cookie', s.cookie)]);
        return token.status === 401 && cookie.status === 401;
      }, 2000, 5);
      expect(elsewhere, 'ms until the second instance refused them').to.be.below(1000);
      expect(await t.db('auth_users').where({ id: u.id }).first('email')).to.deep.equal({ email: 'leaver@example.com' });

      expect((await second.post(`/api/v1/users/${u.id}/reactivate`).set(admin.auth)).body.status).to.equal('active');
      expect((await t.post('/api/v1/auth/login').send({ email: 'leaver@example.com', password: PASSWORD })).status).to.equal(200);
      expect((await t.get('/api/v1/me').set(u.auth)).status, 'revoked tokens stay revoked').to.equal(401);
      const actions: string[] = await t.db('core_audit').where({ target_id: u.id }).orderBy('id').pluck('action');
      expect(actions).to.include.members(['auth.login', 'auth.login.failure', 'auth.user.deactivate', 'auth.user.reactivate']);
    } finally {
      await second.close();
    }
  });
});
