// auth.signedIn, as a plugin that lists 'auth' in dependsOn hears it: once for each login with the right
// password (the JSON API and the form), once for each API token created with one, never for a failure.
import { expect } from 'chai';
import { createTestApp, definePlugin, on, type TestApp } from 'lectern';
import { signedIn } from 'lectern/auth';
import { account, login, PASSWORD } from './helpers';

type SignedIn = { userId: string; at: string; method: string };
const heard: SignedIn[] = [];
const listener = definePlugin({
  name: 'sign-in-listener', version: '1.0.0', core: '^1.0.0', dependsOn: ['auth'],
  subscribe: [on(signedIn, (payload) => { heard.push(payload); })],
});

describe('auth: signedIn', () => {
  let t: TestApp;
  const now = new Date('2026-07-01T10:00:00.000Z');
  before(async () => { t = await createTestApp({ plugins: ['auth', listener], clock: () => now }); });
  after(() => t.close());

  it('is heard once per successful login or token, and never for a failed one', async () => {
    const ann = await account(t, 'ann@example.com');
    const gone = await account(t, 'gone@example.com');
    await t.db('auth_users').where({ id: gone.id }).update({ status: 'deactivated' });
    heard.length = 0;

    await login(t, 'ann@example.com');
    const form = await t.post('/login').type('form').send({ email: 'ann@example.com', password: PASSWORD });
    const token = await t.post('/api/v1/auth/tokens').send({ email: 'ann@example.com', password: PASSWORD, name: 'script' });
    const failures = [
      await t.post('/api/v1/auth/login').send({ email: 'ann@example.com', password: 'not it' }),
      await t.post('/api/v1/auth/login').send({ email: 'nobody@example.com', password: PASSWORD }),
      await t.post('/api/v1/auth/login').send({ email: 'gone@example.com', password: PASSWORD }),
      await t.post('/login').type('form').send({ email: 'ann@example.com', password: 'not it' }),
      await t.post('/api/v1/auth/tokens').send({ email: 'ann@example.com', password: 'not it' }),
    ];

    const at = now.toISOString();
    expect({ form: form.status, token: token.status, failures: failures.map((r) => r.status), heard }).to.deep.equal({
      form: 303, token: 201, failures: [401, 401, 401, 401, 401],
      heard: [{ userId: ann.id, at, method: 'password' }, { userId: ann.id, at, method: 'password' }, { userId: ann.id, at, method: 'token' }],
    });
  });
});
