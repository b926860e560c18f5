// The content plugin through its API, on both drivers: the review workflow and who may do what in it,
// versions (learners keep the published one while a draft is in review; restore is a new version; a
// line diff), sanitized Markdown, the review cycle on a driven clock, objectives and coverage, and
// the privacy provider.
import { expect } from 'chai';
import { contentPermissions } from 'lectern/content';
import { flagReviewDue } from '../../../plugins/content/review-cycle';
import { contentPrivacy } from '../../../plugins/content/privacy';
import { outbox } from '../auth/helpers';
import { courseWith, expectOk, published, useContentWorld } from './helpers';

type Content = { id: string; status: string; version: number; publishedVersion: number | null; latest: { number: number; html: string | null; title: string; restoredFrom: number | null; body: string | null }; published: { number: number; title: string } | null };

describe('content: versions, review and objectives', () => {
  const w = useContentWorld();

  it('runs draft → in_review → published, with rejection, self-approval refused and edits locked while in review', async () => {
    const created = await expectOk<Content>(w.author.post('/api/v1/content').send({ type: 'page', title: 'Fire safety', body: '# Exits\nKnow them.' }), 201);
    const id = created.id;
    const steps: unknown[] = [];
    const step = async (label: string, res: PromiseLike<{ status: number; body: { status?: string; detail?: string } }>) => {
      const r = await res;
      steps.push([label, r.status, typeof r.body.status === 'string' ? r.body.status : null]);
    };
    await step('approve a draft', w.approver.post(`/api/v1/content/${id}/approve`));
    await step('submit', w.author.post(`/api/v1/content/${id}/submit`));
    await step('submit again', w.author.post(`/api/v1/content/${id}/submit`));
    await step('edit in review', w.author.patch(`/api/v1/content/${id}`).send({ body: 'changed' }));
    await step('author approves', w.author.post(`/api/v1/content/${id}/approve`));
    await step('reject without reason', w.approver.post(`/api/v1/content/${id}/reject`).send({ reason: ' ' }));
    await step('reject', w.approver.post(`/api/v1/content/${id}/reject`).send({ reason: 'Add the assembly point.' }));
    await step('edit', w.author.patch(`/api/v1/content/${id}`).send({ body: '# Exits\nKnow them.\n\nAssembly point: car park.', note: 'assembly point' }));
    await step('submit v2', w.author.post(`/api/v1/content/${id}/submit`));
    await step('approve v2', w.approver.post(`/api/v1/content/${id}/approve`));
    const versions = await expectOk<{ items: { number: number; reviewOutcome: string | null; rejectReason: string | null; note: string }[] }>(w.author.get(`/api/v1/content/${id}/versions`), 200);
    expect({ steps, versions: versions.items.map((v) => [v.number, v.reviewOutcome, v.rejectReason, v.note]) }).to.deep.equal({
      steps: [
        ['approve a draft', 409, 409], ['submit', 200, 'in_review'], ['submit again', 409, 409], ['edit in review', 409, 409],
        ['author approves', 403, 403], ['reject without reason', 400, 400], ['reject', 200, 'draft'], ['edit', 200, 'draft'],
        ['submit v2', 200, 'in_review'], ['approve v2', 200, 'published'],
      ].map(([label, code, status]) => [label, code, typeof status === 'number' ? null : status]),
      versions: [[2, 'approved', null, 'assembly point'], [1, 'rejected', 'Add the assembly point.', 'Created']],
    });
    await w.t.jobs.drain();
    // Approvers (everyone holding content:approve but the submitter) hear of each submission; the author of each outcome.
    const mails = outbox(w.t).filter((m) => m.subject.endsWith('Fire safety')).map((m) => `${m.to}: ${m.subject}`).sort();
    const requested = (to: string) => [`${to}: Review requested: Fire safety`, `${to}: Review requested: Fire safety`];
    expect(mails).to.deep.equal([
      ...requested('admin@example.test'), ...requested('approver@example.test'),
      'author@example.test: Changes requested: Fire safety', 'author@example.test: Published: Fire safety',
      ...requested('manager@example.test'),
    ]);
  });

  it('lets an approver approve their own submission only when the settings allow it', async () => {
    const id = (await expectOk<Content>(w.manager.post('/api/v1/content').send({ type: 'link', title: 'Policy', url: 'https://example.org/policy' }), 201)).id;
    await expectOk(w.manager.post(`/api/v1/content/${id}/submit`), 200);
    const refused = await w.manager.post(`/api/v1/content/${id}/approve`);
    await expectOk(w.admin.patch('/api/v1/settings/content').send({ allowSelfApproval: true }), 200);
    const allowed = await w.manager.post(`/api/v1/content/${id}/approve`);
    await expectOk(w.admin.patch('/api/v1/settings/content').send({ allowSelfApproval: false }), 200);
    expect([refused.status, refused.body.detail, allowed.status, allowed.body.publishedVersion]).to.deep.equal([
      403, 'You submitted this version: another approver must approve it (the content setting allowSelfApproval is off).', 200, 1,
    ]);
  });

  it('keeps learners on the published version while a new draft is in review, restores as a new version, and diffs two', async () => {
    const page = await published(w, { type: 'page', title: 'Handbook', body: 'Version one.\nSame line.' });
    const course = await courseWith(w, [page.id], 'HB-1');
    const view = () => expectOk<{ content: { version: number; html: string; title: string } }>(w.learner.get(`/api/v1/courses/${course.id}/items/${course.items[0]}/view`), 200);
    await expectOk(w.author.patch(`/api/v1/content/${page.id}`).send({ title: 'Handbook 2', body: 'Version two.\nSame line.' }), 200);
    await expectOk(w.author.post(`/api/v1/content/${page.id}/submit`), 200);
    const whileInReview = await view();
    const restored = await w.author.post(`/api/v1/content/${page.id}/versions/1/restore`).send({});
    await expectOk(w.approver.post(`/api/v1/content/${page.id}/reject`).send({ reason: 'not yet' }), 200);
    const afterRestore = await expectOk<Content>(w.author.post(`/api/v1/content/${page.id}/versions/1/restore`).send({}), 201);
    const other = await published(w, { type: 'page', title: 'Other', body: 'x' });
    const foreign = await w.author.post(`/api/v1/content/${other.id}/versions/3/restore`).send({});
    const diff = await expectOk<{ lines: { op: string; text: string }[] }>(w.author.get(`/api/v1/content/${page.id}/diff?from=1&to=2`), 200);
    expect({
      whileInReview: [whileInReview.content.version, whileInReview.content.title, whileInReview.content.html],
      restoredInReview: restored.status,
      afterRestore: [afterRestore.version, afterRestore.latest.restoredFrom, afterRestore.latest.body, afterRestore.status, afterRestore.publishedVersion],
      foreign: foreign.status,
      diff: diff.lines,
      stillPublished: (await view()).content.version,
    }).to.deep.equal({
      whileInReview: [1, 'Handbook', '<p>Version one.\nSame line.</p>\n'],
      restoredInReview: 409,
      afterRestore: [3, 1, 'Version one.\nSame line.', 'draft', 1],
      foreign: 404,
      diff: [
        { op: 'remove', text: '# Handbook' }, { op: 'add', text: '# Handbook 2' }, { op: 'same', text: '' },
        { op: 'remove', text: 'Version one.' }, { op: 'add', text: 'Version two.' }, { op: 'same', text: 'Same line.' },
      ],
      stillPublished: 1,
    });
  });

  it('lists by text, type, status and objective; reads a version, and a version\'s file whole, by range and past its end', async () => {
    const objective = await expectOk<{ id: string }>(w.manager.post('/api/v1/objectives').send({ code: 'LIST-1', title: 'Find things' }), 201);
    const page = await published(w, { type: 'page', title: 'Zebra crossing', body: 'v1', objectiveIds: [objective.id] });
    await expectOk(w.author.patch(`/api/v1/content/${page.id}`).send({ body: 'v2', note: 'second' }), 200);
    const link = await expectOk<{ id: string }>(w.author.post('/api/v1/content').send({ type: 'link', title: 'Zebra facts', url: 'https://example.org/z' }), 201);
    const file = await expectOk<{ id: string }>(w.author.post('/api/v1/content').send({ type: 'file', title: 'Zebra sheet' }), 201);
    const bytes = Buffer.from('stripes,count\nblack,12\nwhite,12\n');
    await expectOk(w.author.put(`/api/v1/content/${file.id}/file`).set('Content-Type', 'text/csv').send(bytes), 200);
    const ids = async (query: string) => (await expectOk<{ items: { id: string }[] }>(w.author.get(`/api/v1/content?${query}`), 200)).items.map((i) => i.id);
    const v1 = await expectOk<{ number: number; body: string; note: string }>(w.author.get(`/api/v1/content/${page.id}/versions/1`), 200);
    const fileOf = (query = '', range?: string) => {
      const req = w.author.get(`/api/v1/content/${file.id}/file${query}`);
      return (range ? req.set('Range', range) : req).buffer(true).parse((res, cb) => { const c: Buffer[] = []; res.on('data', (d: Buffer) => c.push(d)); res.on('end', () => cb(null, Buffer.concat(c))); });
    };
    const [whole, part, past, noFile, objectiveRead, renamed] = await Promise.all([
      fileOf('?version=2'), fileOf('', 'bytes=0-6'), fileOf('', 'bytes=999-'), w.author.get(`/api/v1/content/${file.id}/file?version=1`),
      expectOk<{ code: string; publishedContent: number }>(w.author.get(`/api/v1/objectives/${objective.id}`), 200),
      w.manager.patch(`/api/v1/objectives/${objective.id}`).send({ title: 'Find things fast' }),
    ]);
    expect({
      byText: await ids('q=zebra'), byType: await ids('q=zebra&type=link'), byStatus: await ids('q=zebra&status=draft'),
      byObjective: await ids(`objectiveId=${objective.id}`), v1: [v1.number, v1.body, v1.note],
      whole: [whole.status, whole.headers['content-type'], whole.headers['content-disposition'], (whole.body as Buffer).equals(bytes)],
      part: [part.status, (part.body as Buffer).toString()], past: [past.status, past.headers['content-range']], noFile: noFile.status,
      objective: [objectiveRead.code, objectiveRead.publishedContent, renamed.status, renamed.body.title],
    }).to.deep.equal({
      byText: [page.id, link.id, file.id], byType: [link.id], byStatus: [page.id, link.id, file.id],
      byObjective: [page.id], v1: [1, 'v1', 'Created'],
      whole: [200, 'text/csv', `attachment; filename="file"; filename*=UTF-8''file`, true],
      part: [206, 'stripes'], past: [416, `bytes */${bytes.length}`], noFile: 409,
      objective: ['LIST-1', 1, 200, 'Find things fast'],
    });
  });

  it('renders Markdown with every XSS payload made inert', async () => {
    const payloads = [
      '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '[click](javascript:alert(1))', '[x](JaVaScRiPt:alert(1))',
      '<a href="data:text/html,<script>alert(1)</script>">d</a>', '<svg onload=alert(1)>', '<iframe src="https://evil.example"></iframe>',
      '<div style="background:url(javascript:alert(1))">s</div>', '![x](javascript:alert(1))', '<details open ontoggle=alert(1)>',
      '<form action="https://evil.example"><button>go</button></form>', '<input type="text" autofocus onfocus=alert(1)>',
      '<object data="x.swf"></object>', '<meta http-equiv="refresh" content="0;url=https://evil.example">', '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    ];
    const created = await expectOk<Content>(w.author.post('/api/v1/content').send({ type: 'page', title: 'XSS', body: payloads.join('\n\n') }), 201);
    const html = created.latest.html as string;
    const dangerous = [/<script/i, /\son[a-z]+=/i, /javascript:/i, /data:text/i, /<svg/i, /<iframe/i, /style=/i, /<form/i, /<object/i, /<meta/i, /<math/i, /type="text"/i];
    expect(dangerous.filter((re) => re.test(html)).map(String)).to.deep.equal([]);
    expect(html).to.contain('rel="noopener noreferrer nofollow"');
  });

  it('refuses bad input with a 4xx naming the field, and writes nothing', async () => {
    const before = await w.t.db('content_items').count({ n: '*' }).first();
    const answers = await Promise.all([
      w.author.post('/api/v1/content').send({ type: 'page', title: 'No body' }),
      w.author.post('/api/v1/content').send({ type: 'link', title: 'Bad', url: 'javascript:alert(1)' }),
      w.author.post('/api/v1/content').send({ type: 'file', title: 'F', completeWhen: 'done' }),
      w.author.post('/api/v1/content').send({ type: 'page', title: 'O', body: 'x', objectiveIds: ['999999'] }),
      w.author.post('/api/v1/content').send({ type: 'quiz', title: 'Q' }),
      w.learner.post('/api/v1/content').send({ type: 'page', title: 'L', body: 'x' }),
    ]);
    const after = await w.t.db('content_items').count({ n: '*' }).first();
    expect(answers.map((r) => [r.status, [...new Set((r.body.errors ?? []).map((e: { path: string }) => e.path))]])).to.deep.equal([
      [400, ['body.body']], [400, ['body.url']], [400, ['body.completeWhen']], [400, ['body.objectiveIds.0']], [400, ['body.type']], [403, []],
    ]);
    expect(Number(after?.n)).to.equal(Number(before?.n));
  });

  it('flags exactly the published items past their review interval, emails their owners, and clears the flag on confirmation', async () => {
    const soon = await published(w, { type: 'page', title: 'Review soon', body: 'a', reviewEveryDays: 10 });
    const later = await published(w, { type: 'page', title: 'Review later', body: 'b', reviewEveryDays: 30 });
    const never = await published(w, { type: 'page', title: 'Never reviewed', body: 'c' });
    await expectOk(w.author.post('/api/v1/content').send({ type: 'page', title: 'Draft with interval', body: 'd', reviewEveryDays: 1 }), 201);
    const run = async () => {
      await w.t.app.contextOf('content').enqueue(flagReviewDue, {});
      await w.t.jobs.drain();
    };
    w.clock.advanceDays(11);
    await run();
    const due = await expectOk<{ items: { id: string }[] }>(w.author.get('/api/v1/content?reviewDue=true'), 200);
    const mails = outbox(w.t).filter((m) => m.subject.startsWith('Due for review')).map((m) => m.subject);
    w.clock.advanceDays(20);
    await run();
    const dueLater = await expectOk<{ items: { id: string }[] }>(w.author.get('/api/v1/content?reviewDue=true'), 200);
    await expectOk(w.approver.post(`/api/v1/content/${soon.id}/confirm-review`), 200);
    const afterConfirm = await expectOk<{ items: { id: string }[] }>(w.author.get('/api/v1/content?reviewDue=true'), 200);
    expect({
      due: due.items.map((i) => i.id), dueLater: dueLater.items.map((i) => i.id).sort(), afterConfirm: afterConfirm.items.map((i) => i.id),
      mailed: mails, never: [...due.items, ...dueLater.items].some((i) => i.id === never.id),
    }).to.deep.equal({ due: [soon.id], dueLater: [soon.id, later.id].sort(), afterConfirm: [later.id], mailed: ['Due for review: Review soon'], never: false });
  });

  it('reports coverage per objective: its published content, the courses placing it, and the objectives nothing covers', async () => {
    const safety = await expectOk<{ id: string }>(w.manager.post('/api/v1/objectives').send({ code: 'SAF-1', title: 'Evacuate safely' }), 201);
    const orphan = await expectOk<{ id: string }>(w.manager.post('/api/v1/objectives').send({ code: 'SAF-2', title: 'Use an extinguisher' }), 201);
    const duplicate = await w.manager.post('/api/v1/objectives').send({ code: 'saf-1', title: 'Again' });
    const page = await published(w, { type: 'page', title: 'Evacuation', body: 'Walk.', objectiveIds: [safety.id] });
    await expectOk(w.author.post('/api/v1/content').send({ type: 'page', title: 'Draft only', body: 'x', objectiveIds: [orphan.id] }), 201);
    const course = await courseWith(w, [page.id], 'SAF-C');
    const coverage = await expectOk<Record<string, unknown>>(w.author.get(`/api/v1/objectives/${safety.id}/coverage`), 200);
    const uncovered = await expectOk<{ items: { code: string }[] }>(w.author.get('/api/v1/objectives?uncovered=true'), 200);
    expect({
      duplicate: duplicate.status,
      coverage: [coverage.covered, (coverage.content as { id: string }[]).map((c) => c.id), (coverage.courses as { id: string; contentIds: string[] }[]).map((c) => [c.id, c.contentIds])],
      uncovered: uncovered.items.map((o) => o.code),
    }).to.deep.equal({ duplicate: 409, coverage: [true, [page.id], [[course.id, [page.id]]]], uncovered: ['SAF-2'] });
  });

  it('exports and erases a person\'s content data: authored content stays, the person is removed from it', async () => {
    const page = await published(w, { type: 'page', title: 'Kept', body: 'k' });
    const course = await courseWith(w, [page.id], 'PRIV-1');
    await expectOk(w.learner.get(`/api/v1/courses/${course.id}/items/${course.items[0]}/view`), 200);
    const provider = contentPrivacy;
    const ctx = w.t.app.contextOf('content');
    const exported = await provider.export(w.learner.id, ctx) as { views: { course_id: string }[] };
    await provider.erase(w.author.id, ctx);
    await provider.erase(w.learner.id, ctx);
    const item = await w.t.db('content_items').where({ id: page.id }).first('owner_id', 'title');
    const views = await w.t.db('content_views').where({ user_id: w.learner.id }).count({ n: '*' }).first();
    expect([exported.views.filter((v) => v.course_id === course.id).length, item, Number(views?.n)]).to.deep.equal([1, { owner_id: null, title: 'Kept' }, 0]);
    expect(contentPermissions.approve.name).to.equal('content:approve');
  });
});
