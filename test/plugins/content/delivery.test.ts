// Delivery to learners and files, on both drivers: a course completes from opening a page and
// downloading a file; uploads are checked (limit, type, bytes) and leave nothing behind when refused;
// files are served with safe headers and by range; a video completes at its watched share; only
// enrolled people see an item.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { expect } from 'chai';
import { courseWith, expectOk, published, useContentWorld, type ContentWorld } from './helpers';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(3000)]);
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), crypto.randomBytes(5000)]);

type Item = { id: string; status: string; latest: { file: { name: string; size: number; mediaType: string; sha256: string } | null } };

async function uploaded(w: ContentWorld, type: 'file' | 'video', bytes: Buffer, mediaType: string, name: string) {
  const created = await expectOk<{ id: string }>(w.author.post('/api/v1/content').send({ type, title: name }), 201);
  await expectOk(w.author.put(`/api/v1/content/${created.id}/file`).set('Content-Type', mediaType).set('Content-Disposition', `attachment; filename="${name}"`).send(bytes), 200);
  await expectOk(w.author.post(`/api/v1/content/${created.id}/submit`), 200);
  return expectOk<Item>(w.approver.post(`/api/v1/content/${created.id}/approve`), 200);
}

/** Every file under the content plugin's storage directory. */
function storedFiles(w: ContentWorld): string[] {
  const root = path.join(w.t.app.config.filesDir, 'content');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile()).sort();
}

describe('content: delivery and files', () => {
  const w = useContentWorld({ maxUploadBytes: 64 * 1024 });

  it('completes a course from opening its page and downloading its file, through the courses plugin', async () => {
    const page = await published(w, { type: 'page', title: 'Welcome', body: 'Read me.' });
    const file = await uploaded(w, 'file', PDF, 'application/pdf', 'guide.pdf');
    const course = await courseWith(w, [page.id, file.id], 'DEL-1');
    const [pageItem, fileItem] = course.items;
    const opened = await expectOk<{ completion: { rule: string; completedAt: string | null } }>(w.learner.get(`/api/v1/courses/${course.id}/items/${pageItem}/view`), 200);
    const fileView = await expectOk<{ completion: { rule: string; completedAt: string | null }; content: { file: { href: string } } }>(w.learner.get(`/api/v1/courses/${course.id}/items/${fileItem}/view`), 200);
    const mid = await expectOk<{ state: string }>(w.learner.get(`/api/v1/me/courses/${course.id}`), 200);
    const part = await w.learner.get(fileView.content.file.href).set('Range', 'bytes=100-199').buffer(true).parse((res, cb) => { const c: Buffer[] = []; res.on('data', (d: Buffer) => c.push(d)); res.on('end', () => cb(null, Buffer.concat(c))); });
    const afterPart = await expectOk<{ state: string }>(w.learner.get(`/api/v1/me/courses/${course.id}`), 200);
    const whole = await w.learner.get(fileView.content.file.href).buffer(true).parse((res, cb) => { const c: Buffer[] = []; res.on('data', (d: Buffer) => c.push(d)); res.on('end', () => cb(null, Buffer.concat(c))); });
    const done = await expectOk<{ state: string; completedAt: string | null }>(w.learner.get(`/api/v1/me/courses/${course.id}`), 200);
    expect({
      opened: [opened.completion.rule, opened.completion.completedAt !== null],
      fileView: [fileView.completion.rule, fileView.completion.completedAt],
      mid: mid.state,
      part: [part.status, part.headers['content-range'], (part.body as Buffer).equals(PDF.subarray(100, 200))],
      afterPart: afterPart.state,
      whole: [whole.status, whole.headers['content-type'], whole.headers['content-disposition'], whole.headers['x-content-type-options'], (whole.body as Buffer).equals(PDF)],
      done: done.state,
    }).to.deep.equal({
      opened: ['opened', true],
      fileView: ['download', null],
      mid: 'in-progress',
      part: [206, `bytes 100-199/${PDF.length}`, true],
      afterPart: 'in-progress',
      whole: [200, 'application/pdf', `inline; filename="guide.pdf"; filename*=UTF-8''guide.pdf`, 'nosniff', true],
      done: 'completed',
    });
  });

  it('refuses an upload over the limit, of a type not allowed, or whose bytes are not its type, storing nothing', async () => {
    const id = (await expectOk<{ id: string }>(w.author.post('/api/v1/content').send({ type: 'file', title: 'Refused' }), 201)).id;
    const page = (await expectOk<{ id: string }>(w.author.post('/api/v1/content').send({ type: 'page', title: 'P', body: 'x' }), 201)).id;
    const before = storedFiles(w);
    const put = (bytes: Buffer, type: string, target = id) => w.author.put(`/api/v1/content/${target}/file`).set('Content-Type', type).send(bytes);
    const answers = await Promise.all([
      put(Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(70 * 1024)]), 'application/pdf'),
      put(Buffer.from('<html><script>alert(1)</script></html>'), 'text/html'),
      put(Buffer.from('MZ this is not a pdf'), 'application/pdf'),
      put(Buffer.from('%PDF-1.4 pretending to be text'), 'text/plain'),
      put(PDF, 'application/pdf', page),
    ]);
    const item = await expectOk<Item & { version: number }>(w.author.get(`/api/v1/content/${id}`), 200);
    expect({
      answers: answers.map((r) => [r.status, r.type]),
      stored: storedFiles(w), version: item.version,
    }).to.deep.equal({
      answers: [[413, 'application/problem+json'], [415, 'application/problem+json'], [400, 'application/problem+json'], [400, 'application/problem+json'], [409, 'application/problem+json']],
      stored: before, version: 1,
    });
  });

  it('accepts a multipart upload from a form, reducing a path in its file name to the name alone', async () => {
    const id = (await expectOk<{ id: string }>(w.author.post('/api/v1/content').send({ type: 'file', title: 'Form upload' }), 201)).id;
    const res = await w.author.put(`/api/v1/content/${id}/file`).field('note', 'first cut').attach('file', PDF, { filename: '../../etc/passwd.pdf', contentType: 'application/pdf' });
    const body = res.body as Item & { latest: { note: string } };
    expect([res.status, body.latest.file?.name, body.latest.file?.sha256, body.latest.note]).to.deep.equal([
      200, 'passwd.pdf', crypto.createHash('sha256').update(PDF).digest('hex'), 'first cut',
    ]);
  });

  it('completes an uploaded video at its watched share, and a hosted one when "done" is pressed', async () => {
    const video = await uploaded(w, 'video', MP4, 'video/mp4', 'intro.mp4');
    await expectOk(w.author.patch(`/api/v1/content/${video.id}`).send({ watchPercent: 80 }), 200);
    const hosted = await published(w, { type: 'video', title: 'Talk', url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' });
    const course = await courseWith(w, [video.id, hosted.id], 'VID-1');
    const [videoItem, hostedItem] = course.items;
    const base = `/api/v1/courses/${course.id}/items`;
    const at50 = await expectOk<{ completedAt: string | null; watchedPercent: number }>(w.learner.post(`${base}/${videoItem}/watched`).send({ percent: 50 }), 200);
    const doneTooEarly = await w.learner.post(`${base}/${videoItem}/done`);
    const at85 = await expectOk<{ completedAt: string | null; watchedPercent: number }>(w.learner.post(`${base}/${videoItem}/watched`).send({ percent: 85 }), 200);
    const view = await expectOk<{ content: { embedUrl: string | null; url: string }; completion: { rule: string } }>(w.learner.get(`${base}/${hostedItem}/view`), 200);
    const hostedDone = await expectOk<{ completedAt: string | null; courseCompletedAt: string | null }>(w.learner.post(`${base}/${hostedItem}/done`), 200);
    expect({
      at50: [at50.completedAt, at50.watchedPercent], doneTooEarly: doneTooEarly.status, at85: [at85.completedAt !== null, at85.watchedPercent],
      view: [view.content.embedUrl, view.completion.rule], hostedDone: hostedDone.courseCompletedAt !== null,
    }).to.deep.equal({ at50: [null, 50], doneTooEarly: 409, at85: [true, 85], view: [null, 'done'], hostedDone: true });
  });

  it('shows an item only to people enrolled in its course, and only items of that course', async () => {
    const page = await published(w, { type: 'page', title: 'Private', body: 'p' });
    const course = await courseWith(w, [page.id], 'ENR-1');
    const other = await courseWith(w, [page.id], 'ENR-2');
    const stranger = await w.t.persona('stranger');
    const answers = await Promise.all([
      stranger.get(`/api/v1/courses/${course.id}/items/${course.items[0]}/view`),
      w.learner.get(`/api/v1/courses/${course.id}/items/${other.items[0]}/view`),
      w.learner.get(`/api/v1/courses/${course.id}/items/999999/view`),
      w.t.get(`/api/v1/courses/${course.id}/items/${course.items[0]}/view`),
    ]);
    expect(answers.map((r) => r.status)).to.deep.equal([403, 404, 404, 401]);
  });
});
