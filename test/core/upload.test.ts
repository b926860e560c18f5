// Streamed uploads (`req.upload`), as a plugin stores a video: a raw body or an HTML form's file goes
// into storage chunk by chunk with its hash; past the limit, stalled or cut short it is refused and
// nothing stays on disk; memory stays flat for a large file; no database connection waits on the
// client; a cookie session's form needs its `_csrf` field before the file; a stream the handler does
// not read closes the connection instead of hanging it.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { buffer } from 'node:stream/consumers';
import { expect } from 'chai';
import {
  createTestApp, CoreServices, definePlugin, defineRoute, reply, Type, type FileStore, type TestApp,
} from 'lectern';
import { account, login } from '../plugins/auth/helpers';
import { eventually } from './helpers';

const MB = 1024 * 1024;
const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

/** How many times the upload handler ran, and the plugin's storage, for the tests to look at. */
let handled = 0;
let store: FileStore;

const Stored = Type.Object({
  key: Type.String(), size: Type.Integer(), sha256: Type.String(), mediaType: Type.String(),
  fileName: Type.Union([Type.String(), Type.Null()]), fields: Type.Record(Type.String(), Type.String()),
});

const uploads = definePlugin({
  name: 'uploads', version: '1.0.0', core: '^1.0.0',
  routes: [
    defineRoute({
      method: 'POST', path: '/api/v1/uploads/:name', authenticated: true, summary: 'Store a file',
      params: Type.Object({ name: Type.String({ pattern: '^[a-z0-9-]{1,40}$' }) }),
      query: Type.Object({ maxBytes: Type.Integer({ default: 40 * MB }), idleMs: Type.Integer({ default: 30_000 }) }),
      rawBody: { types: ['application/octet-stream', 'video/mp4', 'multipart/form-data'] },
      responses: { 201: Stored },
      async handler(req) {
        handled += 1;
        const { maxBytes, idleMs } = req.query;
        const upload = await req.upload({ maxBytes, limitName: 'the test limit', idleTimeoutMs: idleMs });
        const stored = await req.resolve(CoreServices.storage).put(`files/${req.params.name}`, upload.stream, { maxBytes });
        return reply.created({ ...stored, mediaType: upload.mediaType, fileName: upload.fileName, fields: upload.fields });
      },
    }),
    defineRoute({
      method: 'POST', path: '/api/v1/uploads-ignored', authenticated: true, summary: 'Open an upload and leave it unread',
      rawBody: { types: ['application/octet-stream'] }, responses: { 204: null },
      async handler(req) {
        await req.upload({ maxBytes: 40 * MB });
        return reply.noContent();
      },
    }),
  ],
  async start(ctx) { store = ctx.resolve(CoreServices.storage); },
});

/** `count` chunks of 64 KB made as they are read, so the source itself holds no memory. */
const generated = (count: number) => {
  const chunk = Buffer.alloc(64 * 1024, 'v');
  let left = count;
  return new Readable({ read() { this.push(left-- > 0 ? chunk : null); } });
};

type Part = { name: string; value: string | Buffer } | { name: string; filename: string; type: string; data: Buffer };
const BOUNDARY = 'lectern-test-boundary';
const FORM_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** A multipart/form-data body with the parts in the order given, as a browser sends a form. */
function form(parts: Part[]): Buffer {
  const chunks = parts.flatMap((p) => {
    const head = 'filename' in p
      ? `Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}`
      : `Content-Disposition: form-data; name="${p.name}"`;
    return [Buffer.from(`--${BOUNDARY}\r\n${head}\r\n\r\n`), Buffer.from('filename' in p ? p.data : p.value), Buffer.from('\r\n')];
  });
  return Buffer.concat([...chunks, Buffer.from(`--${BOUNDARY}--\r\n`)]);
}

describe('streamed uploads', function () {
  this.timeout(60_000);
  let t: TestApp;
  let server: http.Server;
  let base: string;
  let userId: string;
  let filesRoot: string;
  let filesDir: string;
  before(async () => {
    t = await createTestApp({ plugins: ['auth', uploads] });
    userId = (await t.persona('uploader')).id;
    filesRoot = t.app.config.filesDir;
    filesDir = path.join(filesRoot, 'uploads', 'files');
    server = http.createServer(t.app.http.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
    if (filesRoot) fs.rmSync(filesRoot, { recursive: true, force: true });
  });

  /** What is left in the plugin's files directory: a refused upload leaves no file and no temporary file. */
  const leftOnDisk = () => (fs.existsSync(filesDir) ? fs.readdirSync(filesDir) : []);
  const readBack = async (name: string) => buffer(await store.get(`files/${name}`) as Readable);

  /** A request over a real socket, its body piped from `body` in chunks, or written by the caller when none is given. */
  function send(urlPath: string, headers: Record<string, string | number>, body?: Readable) {
    const req = http.request(`${base}${urlPath}`, { method: 'POST', headers: { 'x-lectern-test-user': userId, ...headers } });
    const answer = new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => { text += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      });
      // Once the answer is in, the server closing the connection under a body still being sent is expected.
      req.on('error', reject);
    });
    body?.pipe(req);
    return { req, answer };
  }

  it('streams a raw body into storage, read back with the same sha256', async () => {
    const bytes = crypto.randomBytes(300 * 1024);
    const res = await t.as(userId).post('/api/v1/uploads/clip').set('Content-Type', 'Video/MP4; codecs="avc1"')
      .set('Content-Disposition', 'attachment; filename="../../etc/clip.mp4"').send(bytes);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.deep.equal({
      key: 'files/clip', size: bytes.length, sha256: sha256(bytes), mediaType: 'video/mp4', fileName: 'clip.mp4', fields: {},
    });
    expect(sha256(await readBack('clip'))).to.equal(sha256(bytes));
  });

  it('takes the first file of a multipart form, with the text fields before it; later parts are ignored', async () => {
    const bytes = crypto.randomBytes(200 * 1024);
    const body = form([
      { name: 'title', value: 'Week 1 — intro' },
      { name: 'file', filename: 'C:\\Videos\\week1.mp4', type: 'video/mp4', data: bytes },
      { name: 'after', value: 'ignored' },
      { name: 'second', filename: 'other.bin', type: 'application/octet-stream', data: Buffer.from('ignored') },
    ]);
    const res = await t.as(userId).post('/api/v1/uploads/week1').set('Content-Type', FORM_TYPE).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.deep.include({ size: bytes.length, sha256: sha256(bytes), mediaType: 'video/mp4', fileName: 'week1.mp4' });
    expect(res.body.fields).to.deep.equal({ title: 'Week 1 — intro' });
    expect(sha256(await readBack('week1'))).to.equal(sha256(bytes));
  });

  it('refuses a body past the limit with 413 as it streams, leaving nothing on disk', async () => {
    const before = leftOnDisk();
    const raw = await send('/api/v1/uploads/too-big?maxBytes=65536', { 'Content-Type': 'application/octet-stream' }, generated(16)).answer;
    expect(raw.status, raw.body).to.equal(413);
    expect(raw.headers.connection).to.equal('close');
    expect(JSON.parse(raw.body).detail).to.equal('The file is larger than 64 KB (the test limit). Split it, or ask an administrator to raise the limit.');
    const multipart = await t.as(userId).post('/api/v1/uploads/too-big-form?maxBytes=65536').set('Content-Type', FORM_TYPE)
      .send(form([{ name: 'file', filename: 'big.bin', type: 'application/octet-stream', data: Buffer.alloc(65537) }]));
    expect(multipart.status, JSON.stringify(multipart.body)).to.equal(413);
    expect(leftOnDisk()).to.deep.equal(before);
  });

  it('refuses a Content-Length over the limit at once, before reading the body', async () => {
    handled = 0;
    const { req, answer } = send('/api/v1/uploads/declared?maxBytes=65536', { 'Content-Type': 'video/mp4', 'Content-Length': 50 * MB });
    req.write(Buffer.alloc(1024));
    const res = await answer;
    req.destroy();
    expect([res.status, JSON.parse(res.body).type]).to.deep.equal([413, 'urn:lectern:problem:too-large']);
    expect(handled).to.equal(1);
    expect(leftOnDisk()).to.not.include('declared');
  });

  it('answers 400 naming the missing file of a form without one, and refuses bad fields', async () => {
    const post = (parts: Part[]) => t.as(userId).post('/api/v1/uploads/none').set('Content-Type', FORM_TYPE).send(form(parts));
    const missing = await post([{ name: 'title', value: 'no file' }]);
    expect([missing.status, missing.body.errors]).to.deep.equal([400, [{ path: 'body.file', message: 'is required' }]]);
    const notUtf8 = await post([{ name: 'title', value: Buffer.from([0x66, 0xff, 0x6f]) }, { name: 'file', filename: 'a.txt', type: 'text/plain', data: Buffer.from('a') }]);
    expect([notUtf8.status, notUtf8.body.errors]).to.deep.equal([400, [{ path: 'body.title', message: 'is not valid UTF-8' }]]);
    const long = await post([{ name: 'notes', value: 'x'.repeat(64 * 1024 + 1) }, { name: 'file', filename: 'a.txt', type: 'text/plain', data: Buffer.from('a') }]);
    expect([long.status, long.body.detail]).to.deep.equal([413, 'The form field notes is larger than 64 KB.']);
    const many = await post(Array.from({ length: 51 }, (_, i) => ({ name: `f${i}`, value: 'x' })));
    expect([many.status, many.body.detail]).to.deep.equal([413, 'The form has more than 50 fields.']);
    expect(leftOnDisk()).to.not.include('none');
  });

  it('checks a cookie session\'s CSRF token in a form\'s _csrf field, sent before the file, before the handler runs', async () => {
    await account(t, 'session-user@example.test');
    const session = await login(t, 'session-user@example.test');
    const file = { name: 'file', filename: 'notes.txt', type: 'text/plain', data: Buffer.from('lecture notes') };
    const post = (name: string, parts: Part[]) => t.post(`/api/v1/uploads/${name}`).set('Cookie', session.cookie)
      .set('Content-Type', FORM_TYPE).send(form(parts));
    handled = 0;
    for (const parts of [[file], [file, { name: '_csrf', value: session.csrf }], [{ name: '_csrf', value: 'wrong' }, file]]) {
      const refused = await post('refused', parts);
      expect(refused.status, JSON.stringify(refused.body)).to.equal(403);
    }
    expect(handled).to.equal(0);
    expect(leftOnDisk()).to.not.include('refused');
    const accepted = await post('accepted', [{ name: '_csrf', value: session.csrf }, { name: 'title', value: 'Notes' }, file]);
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(201);
    expect(accepted.body.fields).to.deep.equal({ title: 'Notes' });
    expect((await readBack('accepted')).toString()).to.equal('lecture notes');
  });

  it('streams a 30 MB upload with RSS growing well under its size', async () => {
    // Every socket read is a new buffer, garbage once written, and V8 collects such buffers only past
    // tens of MB: collecting as the file streams makes RSS show what the upload holds, not its garbage.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as (opts?: { type: 'minor' }) => void;
    const collect = () => gc({ type: 'minor' });
    collect();
    const before = process.memoryUsage().rss;
    const collecting = setInterval(collect, 20);
    const res = await send('/api/v1/uploads/large', { 'Content-Type': 'application/octet-stream' }, generated(480)).answer
      .finally(() => clearInterval(collecting));
    const grown = process.memoryUsage().rss - before;
    expect(res.status, res.body).to.equal(201);
    expect(JSON.parse(res.body).size).to.equal(30 * MB);
    expect(grown, `RSS grew ${grown} bytes`).to.be.below(10 * MB);
    await store.delete('files/large');
  });

  it('holds no database connection while the client sends', async () => {
    const { req, answer } = send('/api/v1/uploads/slow', { 'Content-Type': 'application/octet-stream' });
    req.write(Buffer.alloc(1024));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await eventually(async () => (t.db.client as { pool: { numUsed(): number } }).pool.numUsed() === 0);
    expect((await t.get('/readyz')).status).to.equal(200);
    req.end(Buffer.alloc(1024));
    const res = await answer;
    expect([res.status, JSON.parse(res.body).size]).to.deep.equal([201, 2048]);
  });

  it('answers 408 to a client that stops sending, leaving nothing on disk', async () => {
    const { req, answer } = send('/api/v1/uploads/stalled?idleMs=200', { 'Content-Type': 'application/octet-stream' });
    req.write(Buffer.alloc(4096));
    const res = await answer;
    req.destroy();
    expect(res.status, res.body).to.equal(408);
    expect(JSON.parse(res.body).detail).to.equal('The upload stopped: nothing arrived for 0.2 seconds. Send it again.');
    expect(leftOnDisk()).to.not.include('stalled');
  });

  it('leaves nothing on disk when the client hangs up midway, and keeps serving', async () => {
    const { req, answer } = send('/api/v1/uploads/gone', { 'Content-Type': 'application/octet-stream' });
    answer.catch(() => undefined);
    req.write(Buffer.alloc(256 * 1024));
    await eventually(async () => leftOnDisk().some((f) => f.startsWith('.gone.')));
    req.destroy();
    await t.app.http.settled(5000);
    expect(leftOnDisk().filter((f) => f.includes('gone'))).to.deep.equal([]);
    expect((await t.get('/readyz')).status).to.equal(200);
  });

  it('closes the connection when the handler leaves the stream unread', async () => {
    const { req, answer } = send('/api/v1/uploads-ignored', { 'Content-Type': 'application/octet-stream' }, generated(160));
    req.on('error', () => undefined);
    const res = await answer;
    expect([res.status, res.headers.connection]).to.deep.equal([204, 'close']);
    await new Promise((resolve) => req.socket?.destroyed ? resolve(null) : req.socket?.once('close', resolve));
    await t.app.http.settled(1000);
    expect((await t.get('/readyz')).status).to.equal(200);
  });

  it('documents a form upload as its file part in the OpenAPI document', async () => {
    const { body } = await t.get('/api/v1/openapi.json');
    expect(body.paths['/api/v1/uploads/{name}'].post.requestBody.content).to.deep.equal({
      'application/octet-stream': { schema: { type: 'string' } },
      'video/mp4': { schema: { type: 'string' } },
      'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } },
    });
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const result = await new Validator().validate(body);
    expect(result.errors ?? [], JSON.stringify(result.errors)).to.deep.equal([]);
  });
});
