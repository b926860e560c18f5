// Guessing passwords and probing for accounts: parallel logins check no more passwords than the limit,
// failures from one address never lock the account out of another (an account-wide ceiling still holds),
// and a password reset request does the same work whether or not the address has an account.
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';
import { account, outbox, PASSWORD } from './helpers';

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

  it('counts the address the proxy appended, not one the client wrote, and an IPv6 client by its /64', async () => {
    await account(t, 'spoofed@example.com');
    const spoofed = [];
    for (let i = 0; i < 6; i += 1) {
      spoofed.push((await login(`198.51.100.${i}, 10.5.0.1`, 'spoofed@example.com', 'wrong password')).status);
    }
    await account(t, 'six@example.com');
    const six = [];
    for (let i = 1; i <= 6; i += 1) six.push((await login(`2001:db8:0:5::${i}`, 'six@example.com', 'wrong password')).status);
    expect({
      spoofed, six,
      sameNetwork: (await login('2001:db8::5:0:0:0:99', 'six@example.com', PASSWORD)).status,
      nextNetwork: (await login('2001:db8:0:6::1', 'six@example.com', PASSWORD)).status,
    }).to.deep.equal({ spoofed: [...Array(5).fill(401), 429], six: [...Array(5).fill(401), 429], sameNetwork: 429, nextNetwork: 200 });
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

  it('does the same statements for a reset request whether or not the address has an account; a job mails the link', async () => {
    // No workers here, so nothing but the requests runs statements on the auth tables while they are watched.
    const quiet = await createTestApp({ plugins: ['auth'], workers: false });
    try {
      await account(quiet, 'known@example.com');
      const statements = async (email: string) => {
        const seen: string[] = [];
        const watch = (q: { sql: string }) => { if (/auth_|^\s*insert/i.test(q.sql)) seen.push(q.sql); };
        quiet.db.on('query', watch);
        try {
          expect((await quiet.post('/api/v1/auth/password-reset').send({ email })).status).to.equal(202);
        } finally {
          quiet.db.off('query', watch);
        }
        return seen;
      };
      const known = await statements('known@example.com');
      const unknown = await statements('unknown@example.com');
      expect(known, 'the same statements for both').to.deep.equal(unknown);
      expect(known.filter((sql) => /auth_users/.test(sql)), 'no account is looked up in the request').to.deep.equal([]);
      expect(known.filter((sql) => /^\s*insert into "core_job/i.test(sql)), 'one job written').to.have.length(1);

      const worker = await createTestApp({ plugins: ['auth'], shareWith: quiet });
      try {
        await worker.jobs.drain();
        expect(outbox(worker).map((m) => [m.to, m.subject])).to.deep.equal([['known@example.com', 'Reset your password']]);
      } finally {
        await worker.close();
      }
    } finally {
      await quiet.close();
    }
  });
});
