// The certificates example through a real Lectern (auth, courses, certificates): a real course
// completion issues one certificate whose PDF a job renders; a delivery run twice still issues one; a
// completion made while the plugin is disabled waits and is issued once it is enabled again; a failing
// durable subscriber is retried and then listed as failed; verification is public and shows
// revocation; PDFs are private; revocation is permitted, audited and happens once; the navigation and
// pages show the right things to the right people; erasure keeps the certificate but not the person.
import { expect } from 'chai';
import { definePlugin, on, type Persona, type TestApp } from 'lectern';
import { courseCompleted } from 'lectern/courses';
import { account, login } from '../plugins/auth/helpers';
import { bootLectern, certificateRows, complete, courseWithOneItem, expectStatus, type Completion } from './certificates-world';

const DELIVERY = 'certificates.on.courses.courseCompleted';

describe('the certificates example', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: Persona;
  let ann: Persona;
  let bob: Persona;
  let rita: Persona;

  before(async () => {
    t = await bootLectern();
    admin = await t.persona('Admin', 'admin');
    ann = await t.persona('Ann');
    bob = await t.persona('Bob');
    rita = await t.persona('Rita', 'registrar');
  });
  after(() => t?.close());

  /** A course Ann completed, its certificate issued and rendered. */
  async function issuedToAnn(title?: string): Promise<{ completion: Completion; id: string; code: string }> {
    const completion = await complete(admin, ann, await courseWithOneItem(admin, title));
    await t.jobs.drain();
    const [row] = await certificateRows(t, completion);
    return { completion, id: String(row.id), code: String(row.code) };
  }

  /** The PDF as bytes (supertest leaves a binary type unparsed unless told how). */
  const downloadPdf = (who: Persona, id: string) => who.get(`/api/v1/certificates/${id}/pdf`)
    .buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

  it('issues exactly one certificate for a completed course, renders its PDF, and lists it as the learner\'s', async () => {
    const course = await courseWithOneItem(admin, 'Fire safety');
    const completion = await complete(admin, ann, course);
    await t.jobs.drain();

    const rows = await certificateRows(t, completion);
    expect(rows).to.have.length(1);
    expect(rows[0].code).to.match(/^[A-Z2-7]{24}$/);
    expect(rows[0].rendered_at).to.not.equal(null);
    const id = String(rows[0].id);

    const pdf = await downloadPdf(ann, id);
    expect([pdf.status, pdf.headers['content-type']]).to.deep.equal([200, 'application/pdf']);
    expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).to.equal('%PDF-');

    const mine = await expectStatus(ann.get('/api/v1/me/certificates'), 200);
    expect(mine.items).to.have.length(1);
    expect((mine.items as Record<string, unknown>[])[0]).to.deep.include({
      id, courseId: course.id, userId: ann.id, cycle: 1, courseTitle: 'Fire safety', learnerName: 'Ann', rendered: true,
      revokedAt: null, pdfUrl: `/api/v1/certificates/${id}/pdf`, verifyUrl: `/certificates/verify/${rows[0].code}`,
    });
    const [issued] = (await t.app.audit.list({ action: 'certificates.issue', limit: 200 })).items.filter((r) => r.targetId === id);
    expect(issued).to.deep.include({ targetType: 'certificate', targetId: id });
    expect(await expectStatus(bob.get('/api/v1/me/certificates'), 200)).to.deep.equal({ items: [], nextCursor: null });
  });

  it('issues once when the same completion is delivered twice', async () => {
    const { completion, id } = await issuedToAnn();
    await t.emit(courseCompleted, completion);
    await t.emit(courseCompleted, completion);
    await t.jobs.drain();
    expect((await certificateRows(t, completion)).map((r) => String(r.id))).to.deep.equal([id]);
    const audits = (await t.app.audit.list({ action: 'certificates.issue', limit: 200 })).items.filter((r) => r.targetId === id);
    expect(audits).to.have.length(1);
  });

  it('holds completions made while the plugin is disabled, and issues them once it is enabled again', async () => {
    const course = await courseWithOneItem(admin);
    await expectStatus(admin.patch('/api/v1/plugins/certificates').send({ enabled: false }), 200);
    try {
      const completion = await complete(admin, bob, course);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await certificateRows(t, completion)).to.deep.equal([]);
      expect((await bob.get('/api/v1/me/certificates')).status, 'routes of a disabled plugin').to.equal(404);
      const waiting = await expectStatus(admin.get('/api/v1/jobs?state=waiting&limit=200'), 200);
      expect((waiting.items as { name: string }[]).map((j) => j.name)).to.include(DELIVERY);
    } finally {
      await expectStatus(admin.patch('/api/v1/plugins/certificates').send({ enabled: true }), 200);
    }
    await t.jobs.drain();
    const rows = await t.db('certificates_certificates').where({ course_id: course.id, user_id: bob.id });
    expect(rows).to.have.length(1);
    expect(rows[0].rendered_at).to.not.equal(null);
  });

  it('verifies publicly by code (any case), says nothing else personal, and shows a revocation', async () => {
    const { id, code } = await issuedToAnn('Working at height');
    const valid = await expectStatus(t.get(`/api/v1/certificates/verify/${code.toLowerCase()}`), 200);
    expect(Object.keys(valid).sort()).to.deep.equal(['code', 'completedAt', 'courseTitle', 'issuedAt', 'learnerName', 'revokedAt', 'status', 'valid']);
    expect(valid).to.deep.include({ code, status: 'valid', valid: true, courseTitle: 'Working at height', learnerName: 'Ann', revokedAt: null });

    await expectStatus(admin.post(`/api/v1/certificates/${id}/revoke`).send({ reason: 'Issued in error' }), 200);
    const revoked = await expectStatus(t.get(`/api/v1/certificates/verify/${code}`), 200);
    expect(revoked).to.deep.include({ status: 'revoked', valid: false });
    expect(revoked.revokedAt).to.be.a('string');
    expect(revoked).to.not.have.property('revokeReason');

    const unknown = await t.get('/api/v1/certificates/verify/AAAAAAAAAAAAAAAAAAAAAAAA');
    expect([unknown.status, unknown.headers['content-type']]).to.deep.equal([404, 'application/problem+json']);
  });

  it('lets only the learner and those who see every certificate download a PDF; 409 until it is rendered', async () => {
    const { id } = await issuedToAnn();
    const stranger = await bob.get(`/api/v1/certificates/${id}/pdf`);
    expect([stranger.status, stranger.body.type]).to.deep.equal([404, 'urn:lectern:problem:not-found']);
    expect((await downloadPdf(rita, id)).status, 'a registrar').to.equal(200);
    expect((await t.get(`/api/v1/certificates/${id}/pdf`)).status, 'anonymous').to.equal(401);

    const stored = await t.db('certificates_certificates').where({ id }).first('pdf', 'rendered_at');
    await t.db('certificates_certificates').where({ id }).update({ pdf: null, rendered_at: null });
    const pending = await ann.get(`/api/v1/certificates/${id}/pdf`);
    expect([pending.status, pending.body.type, pending.headers['retry-after']]).to.deep.equal([409, 'urn:lectern:problem:certificate-not-rendered', '5']);
    await t.db('certificates_certificates').where({ id }).update(stored);
  });

  it('revokes only with certificates:revoke, audits it, and refuses a second revocation (409)', async () => {
    const { id } = await issuedToAnn();
    expect((await ann.post(`/api/v1/certificates/${id}/revoke`).send({ reason: 'mine' })).status).to.equal(403);
    expect((await rita.post(`/api/v1/certificates/${id}/revoke`).send({ reason: '  ' })).status, 'blank reason').to.equal(400);
    expect((await rita.post('/api/v1/certificates/999999/revoke').send({ reason: 'gone' })).status).to.equal(404);

    const revoked = await expectStatus(rita.post(`/api/v1/certificates/${id}/revoke`).send({ reason: 'Exam irregularity' }), 200);
    expect(revoked).to.deep.include({ id, revokedBy: rita.id, revokeReason: 'Exam irregularity' });
    const again = await rita.post(`/api/v1/certificates/${id}/revoke`).send({ reason: 'again' });
    expect([again.status, again.body.type]).to.deep.equal([409, 'urn:lectern:problem:conflict']);

    const records = (await t.app.audit.list({ action: 'certificates.revoke', limit: 200 })).items.filter((r) => r.targetId === id);
    expect(records).to.have.length(1);
    expect(records[0]).to.deep.include({ actorId: rita.id, targetType: 'certificate' });
    expect(records[0].details).to.deep.include({ reason: 'Exam irregularity', userId: ann.id });
  });

  it('lists every certificate, filtered and paged, for those who may see them all', async () => {
    const { completion } = await issuedToAnn();
    expect((await ann.get('/api/v1/certificates')).status).to.equal(403);
    const one = await expectStatus(rita.get(`/api/v1/certificates?courseId=${completion.courseId}`), 200);
    expect((one.items as { courseId: string; userId: string }[]).map((c) => [c.courseId, c.userId])).to.deep.equal([[completion.courseId, ann.id]]);
    const first = await expectStatus(rita.get(`/api/v1/certificates?userId=${ann.id}&limit=2`), 200);
    const next = await expectStatus(rita.get(`/api/v1/certificates?userId=${ann.id}&limit=2&cursor=${String(first.nextCursor)}`), 200);
    const ids = [...(first.items as { id: string }[]), ...(next.items as { id: string }[])].map((c) => Number(c.id));
    expect(ids).to.deep.equal([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).to.equal(ids.length);
    expect((await rita.get('/api/v1/certificates?cursor=bogus')).status).to.equal(400);
  });

  it('shows "My certificates" to everyone signed in, and the admin page only to those who may see every certificate', async () => {
    const navOf = async (who: Persona | TestApp) =>
      [...(/<nav class="site-nav"[\s\S]*?<\/nav>/.exec((await who.get('/')).text)?.[0].matchAll(/href="([^"]+)"/g) ?? [])].map((m) => m[1]);
    expect(await navOf(bob)).to.include('/my/certificates').and.not.include('/admin/certificates');
    expect(await navOf(rita)).to.include('/my/certificates').and.include('/admin/certificates');
    expect(await navOf(t)).to.not.include('/my/certificates');
    expect((await bob.get('/admin/certificates')).status).to.equal(403);
  });

  it('renders the learner\'s page, the public verification page and the admin list', async () => {
    const { id, code } = await issuedToAnn('Manual handling');
    const mine = await ann.get('/my/certificates');
    expect(mine.status).to.equal(200);
    expect(mine.text).to.include('Manual handling').and.include(`href="/api/v1/certificates/${id}/pdf"`).and.include(`href="/certificates/verify/${code}"`);
    expect((await (await t.persona('Cid')).get('/my/certificates')).text).to.include('You have no certificates yet.');

    const verify = await t.get(`/certificates/verify/${code}`);
    expect(verify.status).to.equal(200);
    expect(verify.text).to.include('This certificate is valid.').and.include('Ann').and.include('Manual handling');
    const unknown = await t.get('/certificates/verify/NOPE');
    expect([unknown.status, unknown.text.includes('No certificate has the code')]).to.deep.equal([404, true]);

    const list = await rita.get(`/admin/certificates?userId=${ann.id}`);
    expect(list.status).to.equal(200);
    expect(list.text).to.include('Manual handling').and.include(`action="/admin/certificates/${id}/revoke"`);
  });

  it('revokes through the admin form with a session and its CSRF token, and shows the form again on a mistake', async () => {
    const { id, code } = await issuedToAnn();
    const officer = await account(t, 'officer@example.com', ['registrar']);
    const s = await login(t, officer.email);
    const post = (body: Record<string, string>) => t.post(`/admin/certificates/${id}/revoke`).set('Cookie', s.cookie).type('form').send(body);

    expect((await post({ reason: 'No token' })).status, 'without _csrf').to.equal(403);
    const blank = await post({ reason: ' ', _csrf: s.csrf });
    expect([blank.status, blank.text.includes('Fill in the reason.')]).to.deep.equal([400, true]);
    const done = await post({ reason: 'Withdrawn by the examiner', _csrf: s.csrf });
    expect([done.status, done.headers.location]).to.deep.equal([303, '/admin/certificates?done=revoked']);
    const page = await t.get('/admin/certificates?done=revoked').set('Cookie', s.cookie);
    expect(page.text).to.include('The certificate is revoked').and.include('Withdrawn by the examiner');
    const twice = await post({ reason: 'Again', _csrf: s.csrf });
    expect([twice.status, twice.text.includes('already revoked')]).to.deep.equal([409, true]);
    expect((await t.get(`/certificates/verify/${code}`)).text).to.include('This certificate was revoked');
    const [record] = (await t.app.audit.list({ action: 'certificates.revoke', limit: 200 })).items.filter((r) => r.targetId === id);
    expect(record).to.deep.include({ actorId: officer.id });
  });

  it('exports a learner\'s certificates without PDF bytes, and erasure keeps the certificate but not the name', async () => {
    const { id, code } = await issuedToAnn();
    const provider = t.app.privacy.list().find((p) => p.plugin === 'certificates')?.provider;
    expect(provider?.tables).to.deep.equal(['certificates_certificates']);
    const ctx = t.app.contextOf('certificates');
    const exported = await provider?.export(ann.id, ctx) as { certificates: Record<string, unknown>[] };
    expect(exported.certificates.map((c) => c.id)).to.include(id);
    expect(JSON.stringify(exported)).to.not.include('%PDF');

    await provider?.erase(ann.id, ctx);
    const verified = await expectStatus(t.get(`/api/v1/certificates/verify/${code}`), 200);
    expect(verified).to.deep.include({ learnerName: null, courseTitle: verified.courseTitle });
    expect((await ann.get(`/api/v1/certificates/${id}/pdf`)).status).to.equal(410);
  });
});

describe('the certificates example beside a failing durable subscriber', function () {
  this.timeout(60_000);
  let t: TestApp;
  let runs = 0;
  const flaky = definePlugin({
    name: 'flaky-listener', version: '1.0.0', core: '^1.0.0', dependsOn: ['courses'],
    subscribe: [on(courseCompleted, () => {
      runs += 1;
      throw new Error('the listener is broken');
    }, { durable: true, attempts: 2, backoffMs: 10 })],
  });
  before(async () => { t = await bootLectern([flaky]); });
  after(() => t?.close());

  it('retries the failing delivery, lists it as failed to an admin, and still issues the certificate', async () => {
    const admin = await t.persona('Admin', 'admin');
    const ann = await t.persona('Ann');
    const completion = await complete(admin, ann, await courseWithOneItem(admin));
    await t.jobs.drain();
    expect(runs).to.equal(2);
    const failed = await expectStatus(admin.get('/api/v1/jobs?state=failed&limit=200'), 200);
    const [job] = (failed.items as { name: string; attempts: number; error?: string }[]).filter((j) => j.name === 'flaky-listener.on.courses.courseCompleted');
    expect(job).to.deep.include({ attempts: 2 });
    expect(job.error).to.include('the listener is broken');
    expect((await ann.get('/api/v1/jobs?state=failed')).body.items, 'a learner sees only jobs they started').to.deep.equal([]);
    expect(await certificateRows(t, completion)).to.have.length(1);
  });
});
