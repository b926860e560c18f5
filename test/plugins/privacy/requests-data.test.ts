// The two hard promises of privacy requests, on both drivers. An export bundle of a person with data in
// every plugin holds that data and none of another person's with the same kinds of data. After an erasure,
// no table holds any personal value of the person (every text and JSON column of every table is scanned
// for their email, name and the strings planted in their data), while the course's completion figures
// (the completions themselves and the completion report) stay as they were.
import { expect } from 'chai';
import type { TestApp } from 'lectern';
import { ok, privacyWorld, subjectWithData, whereFound, type PrivacyWorld, type Subject } from './helpers';

type Json = Record<string, unknown>;

/** Every [key, value] pair in a JSON value, however deep. */
function pairs(value: unknown, key = ''): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v) => pairs(v, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[k, v] as [string, unknown], ...pairs(v, k)]);
  return [[key, value]];
}

describe('privacy: export bundle and erasure across every plugin', function () {
  this.timeout(120_000);
  let w: PrivacyWorld;
  let t: TestApp;
  let zed: Subject;
  let other: Subject;

  before(async () => {
    w = await privacyWorld();
    t = w.t;
    zed = await subjectWithData(w, 'zorblax');
    other = await subjectWithData(w, 'quuxley');
  });
  after(() => t?.close());

  it('exports everything every plugin holds on the person, and nothing of anyone else', async () => {
    const made = await ok<Json>(w.officer.post('/api/v1/privacy/requests').send({ userId: zed.id, type: 'export' }), 201);
    expect(made.status).to.equal('approved');
    await t.jobs.drain();
    const res = await t.as(zed.id).get(`/api/v1/privacy/requests/${String(made.id)}/download`).buffer(true).parse((r, cb) => {
      let text = '';
      r.on('data', (c: Buffer) => { text += c.toString('utf8'); });
      r.on('end', () => cb(null, text));
    });
    expect(res.status).to.equal(200);
    const text = String(res.body);
    const bundle = JSON.parse(text) as { subject: { id: string }; generatedAt: string; plugins: Record<string, Json> };
    const p = bundle.plugins;
    const values = pairs(bundle);
    expect({
      subject: bundle.subject, generatedAt: bundle.generatedAt,
      plugins: Object.keys(p).sort(),
      email: (p.auth.account as Json).email,
      token: (p.auth.tokens as Json[]).map((x) => x.name).includes(zed.planted[1]),
      agent: (p.auth.sessions as Json[]).some((x) => x.userAgent === zed.planted[2]),
      cohorts: (p.auth.cohorts as Json[]).map((x) => x.name),
      roles: (p.core.roleAssignments as Json[]).map((x) => x.roleKey).sort(),
      audited: (p.core.auditRecords as Json[]).length > 0,
      enrollments: (p.courses.enrollments as Json[]).map((x) => x.code),
      progress: (p.courses.progress as Json[]).length,
      completions: (p.courses.completions as Json[]).map((x) => x.code),
      owned: (p.content.ownedContent as Json[]).map((x) => String(x.id)),
      views: (p.content.views as Json[]).length,
      schedules: (p.reporting.schedules as Json[]).map((x) => x.recipients),
      activity: (p.reporting.activity as Json[]).length > 0,
      certificates: (p.certificates.certificates as Json[]).length,
      requests: (p.privacy.requests as Json[]).map((x) => x.id),
      support: zed.planted.slice(4).filter((s) => !JSON.stringify(p.support).includes(s)),
    }).to.deep.equal({
      subject: { id: zed.id }, generatedAt: '2030-05-01T09:00:00.000Z',
      plugins: ['auth', 'certificates', 'content', 'core', 'courses', 'privacy', 'reporting', 'support'],
      email: zed.email, token: true, agent: true, cohorts: ['Night shift'], roles: ['content-manager', 'learner', 'learner', 'reporter'], audited: true,
      enrollments: ['PRIV-101'], progress: 2, completions: ['PRIV-101'], owned: [zed.authored], views: 2,
      schedules: [[zed.planted[3]]], activity: true, certificates: 1, requests: [String(made.id)], support: [],
    });
    // Nothing of the other person: none of their strings anywhere, and no user reference names them.
    const theirs = [other.name, ...other.planted].filter((s) => text.toLowerCase().includes(s.toLowerCase()));
    const userKeys = /(^|_)(user|actor|owner|author|created|submitted|reviewed|revoked|requested|decided)(_?id|_by|Id|By)?$|userId$/i;
    const namingThem = values.filter(([k, v]) => userKeys.test(k) && v !== null && String(v) === other.id);
    expect({ theirs, namingThem }).to.deep.equal({ theirs: [], namingThem: [] });
  });

  it('leaves no personal value of the person in any table, and the completion figures unchanged', async () => {
    const completions = async () => Number((await t.db('courses_completions').where({ course_id: w.course.id }).count({ n: '*' }).first())?.n);
    const report = async () => (await ok<{ summary: Json }>(w.admin.get(`/api/v1/reports/course-completion?courseId=${w.course.id}`))).summary;
    const before = { completions: await completions(), report: await report() };
    expect(before.completions).to.equal(2);
    expect(await whereFound(t, zed.name), 'the scan finds the person before erasure').to.include('auth_users.email');

    const asked = await ok<Json>(t.as(zed.id).post('/api/v1/privacy/requests').send({ userId: zed.id, type: 'erase' }), 201);
    expect(asked.status).to.equal('pending');
    await ok(w.officer.post(`/api/v1/privacy/requests/${String(asked.id)}/approve`));
    await t.jobs.drain();
    const done = await ok<Json>(w.officer.get(`/api/v1/privacy/requests/${String(asked.id)}`));
    expect(done.status).to.equal('done');

    const left: Record<string, string[]> = {};
    for (const needle of [zed.name, ...zed.planted]) {
      const found = await whereFound(t, needle);
      if (found.length) left[needle] = found;
    }
    const stillThere = await whereFound(t, other.name);
    // The person's audit records keep who, what and when; only their details and address are blanked,
    // and the trigger lets nothing else be changed, even under the erasure's setting.
    const tokenRecords = await t.db('core_audit').where({ action: 'auth.token.create', actor_id: zed.id }).select('details', 'ip');
    const forged = await t.db.transaction(async (trx) => {
      await trx.raw(`set local lectern.audit_redact = 'on'`);
      return trx('core_audit').update({ action: 'forged' });
    }).then(() => 'changed', (e: Error) => (e.message.includes('core_audit is append-only') ? 'refused' : e.message));
    expect({ tokenRecords: [...new Set(tokenRecords.map((r) => JSON.stringify(r)))], forged })
      .to.deep.equal({ tokenRecords: [JSON.stringify({ details: { redacted: true }, ip: null })], forged: 'refused' });
    const audit = await t.db('core_audit').where({ action: 'privacy.erase.done', target_id: String(asked.id) }).first('actor_id', 'details');
    expect({
      left, otherKept: stillThere.includes('auth_users.email'),
      after: { completions: await completions(), report: await report() },
      audit: audit && { actor: audit.actor_id, details: audit.details },
      account: await t.db('auth_users').where({ id: zed.id }).first('status'),
    }).to.deep.equal({
      left: {}, otherKept: true, after: before,
      audit: { actor: w.officer.id, details: { requestedBy: zed.id, requestedAt: String(asked.createdAt) } },
      account: { status: 'deactivated' },
    });
  });
});
