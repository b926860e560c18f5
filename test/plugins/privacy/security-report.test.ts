// The security report (issue 15): every check has a stable code and a severity, and flips with the state
// it checks — the first administrator's random password until it is changed, no policy published, audit
// retention, a table referring to a person that no privacy provider covers, cookies behind a TLS proxy without trustProxy —
// and it shows the session timeouts and the password policy. Privacy managers only.
import { expect } from 'chai';
import { createTestApp, type Persona, type TestApp } from 'lectern';

type Check = { code: string; severity: string; detail: string };

describe('privacy: security report', function () {
  this.timeout(60_000);
  let t: TestApp;
  let ada: Persona;
  before(async () => {
    t = await createTestApp({ plugins: ['auth', 'privacy', 'maintenance'] });
    ada = await t.persona('ada', 'admin');
    await t.persona('lou');
  });
  after(() => t?.close());

  const report = async (app = t, who = ada): Promise<Map<string, Check>> => {
    const res = await app.as(who.id).get('/api/v1/system/security-report');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return new Map((res.body.checks as Check[]).map((c) => [c.code, c]));
  };
  const severity = async (code: string) => (await report()).get(code)?.severity;

  it('flags the first administrator\'s random password until it is changed', async () => {
    const first = await report();
    expect(first.get('auth.initial-password')?.severity).to.equal('critical');
    expect(first.get('auth.initial-password')?.detail).to.include('admin@localhost');
    const admin = await t.db('auth_users').where({ email: 'admin@localhost' }).first('id');
    expect((await ada.patch(`/api/v1/users/${String(admin.id)}`).send({ password: 'a much better passphrase' })).status).to.equal(200);
    expect(await severity('auth.initial-password')).to.equal('ok');
  });

  it('warns while no policy is published', async () => {
    expect(await severity('privacy.policy')).to.equal('warning');
    expect((await ada.post('/api/v1/policies').send({ kind: 'privacy', title: 'Privacy notice', body: 'Little.' })).status).to.equal(201);
    const version = (await ada.get('/api/v1/me/policies')).body.pending[0] as string;
    await ada.post('/api/v1/me/policy-acceptances').send({ policyVersionId: version });
    expect(await severity('privacy.policy')).to.equal('ok');
  });

  it('tells when audit records are kept for ever', async () => {
    expect(await severity('privacy.audit-retention')).to.equal('info');
    await ada.put('/api/v1/privacy/retention').send({ days: { 'core.audit': 365 } });
    expect(await severity('privacy.audit-retention')).to.equal('ok');
  });

  it('names the columns that refer to a person in tables no privacy provider covers, and no others', async () => {
    // Maintenance keeps tables but none that refers to a person: nothing to name.
    expect(await severity('privacy.providers')).to.equal('ok');
    await t.db.schema.createTable('unprotected_notes', (tb) => { tb.increments('id'); tb.bigInteger('user_id'); });
    const providers = (await report()).get('privacy.providers');
    expect({ severity: providers?.severity, names: providers?.detail.includes('unprotected_notes.user_id') }).to.deep.equal({ severity: 'warning', names: true });
    await t.db.schema.dropTable('unprotected_notes');
    expect(await severity('privacy.providers')).to.equal('ok');
  });

  it('shows the session timeouts and password policy, the queue and the log level, most serious first', async () => {
    const res = await ada.get('/api/v1/system/security-report');
    const checks = res.body.checks as Check[];
    const codes = checks.map((c) => c.code);
    expect(codes).to.include.members(['auth.sessions', 'auth.password-policy', 'http.cookies-secure', 'logging.level', 'privacy.providers']);
    expect(codes.some((c) => c.startsWith('queue.'))).to.equal(true);
    const byCode = new Map(checks.map((c) => [c.code, c]));
    expect(byCode.get('auth.sessions')).to.deep.include({ severity: 'info' });
    expect(byCode.get('auth.sessions')?.detail).to.include('120 minutes').and.include('24 hours');
    expect(byCode.get('auth.password-policy')?.detail).to.include('12 to 128 characters');
    const order = { critical: 0, warning: 1, info: 2, ok: 3 } as Record<string, number>;
    expect(checks.map((c) => order[c.severity])).to.deep.equal([...checks.map((c) => order[c.severity])].sort((a, b) => a - b));
    expect((await t.as('lou').get('/api/v1/system/security-report')).status).to.equal(403);
    const page = await ada.get('/admin/security').set('Accept', 'text/html');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('auth.sessions');
  });

  it('flags cookies without Secure behind a TLS proxy that is not trusted', async () => {
    const behind = await createTestApp({ plugins: ['auth', 'privacy'], config: { publicUrl: 'https://lms.example.org', trustProxy: false } });
    try {
      const root = await behind.persona('root', 'admin');
      expect((await report(behind, root)).get('http.cookies-secure')?.severity).to.equal('critical');
    } finally {
      await behind.close();
    }
    expect(await severity('http.cookies-secure')).to.equal('ok');
  });
});
