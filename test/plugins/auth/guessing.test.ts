// Guessing passwords: parallel logins check no more passwords than the limit, and failures from one
// address never lock the account out of another (an account-wide ceiling still holds).
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';
import { account, PASSWORD } from './helpers';

describe('auth: guessing passwords and probing for accounts', () => {
  let t: TestApp;
  before(async function () {
    this.timeout(60_000); // the first app of a run migrates the template database
    t = await createTestApp({ plugins: ['auth'], config: { trustProxy: true }, clock: () => new Date('2026-06-01T10:00:00Z') });
  });
  after(() => t.close());

  const login = (ip: string, email: string, password: string) =>
    t.post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password });
  const statuses = (answers: { status: number }[]) => answers.map((r) => r.status).sort();
  const failuresAudited = async (email: string) =>
    Number((await t.db('core_audit').where({ action: 'auth.login.failure' }).whereRaw(`details->>'email' = ?`, [email]).count({ n: '*' }).first())?.n);

  it('checks at most five of 40 parallel wrong passwords for one account, refusing the rest with 429 unchecked', async () => {
    await account(t, 'parallel@example.com');
    const answers = await Promise.all(Array.from({ length: 40 }, () => login('10.1.0.1', 'parallel@example.com', 'wrong password')));
    expect({
      statuses: statuses(answers),
      retryAfter: answers.filter((r) => r.status === 429).every((r) => Number(r.headers['retry-after']) > 0),
      checked: await failuresAudited('parallel@example.com'),
    }).to.deep.equal({ statuses: [...Array(5).fill(401), ...Array(35).fill(429)], retryAfter: true, checked: 5 });
  });

  it('lets the right password in from another address after five failures from one; the first address stays refused', async () => {
    await account(t, 'target@example.com');
    for (let i = 0; i < 5; i += 1) expect((await login('10.2.0.1', 'target@example.com', 'wrong password')).status).to.equal(401);
    const blocked = await login('10.2.0.1', 'target@example.com', PASSWORD);
    expect({
      blocked: blocked.status, retryAfter: Number(blocked.headers['retry-after']) > 0,
      elsewhere: (await login('10.2.0.2', 'target@example.com', PASSWORD)).status,
      stillBlocked: (await login('10.2.0.1', 'target@example.com', PASSWORD)).status,
    }).to.deep.equal({ blocked: 429, retryAfter: true, elsewhere: 200, stillBlocked: 429 });
  });

  it('refuses an address that has failed on many accounts, even with a right password; other addresses and successes are not counted', async () => {
    await t.app.settings.update('auth', { maxFailuresPerIp: 6 });
    try {
      await account(t, 'neighbour@example.com');
      for (let i = 0; i < 8; i += 1) expect((await login('10.3.0.9', 'neighbour@example.com', PASSWORD)).status, 'a success is no failure').to.equal(200);
      for (let i = 0; i < 6; i += 1) expect((await login('10.3.0.1', `sprayed-${i}@example.com`, 'wrong password')).status).to.equal(401);
      expect({
        sprayer: (await login('10.3.0.1', 'neighbour@example.com', PASSWORD)).status,
        neighbour: (await login('10.3.0.9', 'neighbour@example.com', PASSWORD)).status,
      }).to.deep.equal({ sprayer: 429, neighbour: 200 });
    } finally {
      await t.app.settings.update('auth', { maxFailuresPerIp: 50 });
    }
  });

  it('throttles an account everywhere once failures from all addresses together reach maxFailuresPerAccountAnywhere', async () => {
    await t.app.settings.update('auth', { maxFailuresPerAccountAnywhere: 8 });
    try {
      await account(t, 'spread@example.com');
      const spread = [];
      for (let i = 0; i < 9; i += 1) spread.push((await login(`10.4.0.${i}`, 'spread@example.com', 'wrong password')).status);
      const everywhere = await login('10.4.1.1', 'spread@example.com', PASSWORD);
      expect({ spread, everywhere: everywhere.status, retryAfter: Number(everywhere.headers['retry-after']) > 0 })
        .to.deep.equal({ spread: [...Array(8).fill(401), 429], everywhere: 429, retryAfter: true });
    } finally {
      await t.app.settings.update('auth', { maxFailuresPerAccountAnywhere: 50 });
    }
  });
});
