// File storage (`CoreServices.storage`), as plugins use it: bytes stored and read back whole or by
// range with their hash; a file over the limit is a 413 that leaves nothing on disk; a large upload is
// streamed in constant memory; keys cannot leave the plugin's directory, and two plugins' keys never meet.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { expect } from 'chai';
import { createTestApp, definePlugin, CoreServices, HttpError, type FileStore, type TestApp } from 'lectern';

/** A plugin that only keeps the storage it resolves at start, for the test to use. */
const stores = new Map<string, FileStore>();
const filesPlugin = (name: string) => definePlugin({
  name, version: '1.0.0', core: '^1.0.0',
  async start(ctx) { stores.set(name, ctx.resolve(CoreServices.storage)); },
});

/** `count` chunks of 64 KB made as they are read, so the source itself holds no memory. */
const generated = (count: number) => {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let left = count;
  return new Readable({ read() { this.push(left-- > 0 ? chunk : null); } });
};

describe('file storage', function () {
  this.timeout(60_000);
  let t: TestApp;
  let a: FileStore;
  let b: FileStore;
  let filesDir: string;
  before(async () => {
    t = await createTestApp({ plugins: [filesPlugin('files-a'), filesPlugin('files-b')] });
    a = stores.get('files-a') as FileStore;
    b = stores.get('files-b') as FileStore;
    filesDir = t.app.config.filesDir;
  });
  after(async () => {
    await t?.close();
    fs.rmSync(filesDir, { recursive: true, force: true });
  });

  it('stores, states, reads whole and by range, and deletes', async () => {
    const bytes = Buffer.from('hello, stored world');
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    expect(await a.put('submissions/42/essay.txt', bytes)).to.deep.equal({ key: 'submissions/42/essay.txt', size: bytes.length, sha256 });
    expect(await a.stat('submissions/42/essay.txt')).to.deep.equal({ size: bytes.length });
    expect(await text(await a.get('submissions/42/essay.txt') as Readable)).to.equal('hello, stored world');
    expect(await text(await a.get('submissions/42/essay.txt', { start: 7, end: 12 }) as Readable)).to.equal('stored');
    expect(await text(await a.get('submissions/42/essay.txt', { start: 14 }) as Readable)).to.equal('world');
    await a.delete('submissions/42/essay.txt');
    await a.delete('submissions/42/essay.txt');
    expect(await a.stat('submissions/42/essay.txt')).to.equal(null);
    expect(await a.get('submissions/42/essay.txt')).to.equal(null);
    expect(await a.get('submissions/42')).to.equal(null);
  });

  it('refuses a file over the limit with a 413 and leaves nothing on disk', async () => {
    for (const source of [Buffer.alloc(3000), generated(4)]) {
      const err = await a.put('big/one.bin', source, { maxBytes: 2048 }).then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(HttpError);
      expect((err as HttpError).status).to.equal(413);
      expect((err as HttpError).detail).to.contain('2 KB');
      expect(fs.readdirSync(path.join(filesDir, 'files-a', 'big'))).to.deep.equal([]);
    }
  });

  it('streams a 20 MB file in constant memory', async () => {
    const before = process.memoryUsage().rss;
    const stored = await a.put('large/twenty.bin', generated(320));
    const grown = process.memoryUsage().rss - before;
    expect(stored.size).to.equal(20 * 1024 * 1024);
    expect(grown, `RSS grew ${grown} bytes`).to.be.below(20 * 1024 * 1024);
    await a.delete('large/twenty.bin');
  });

  it('refuses keys that could leave the plugin directory, or that break the key rule', async () => {
    for (const key of ['../x', '/etc/passwd', 'a/../../b', 'a/./b', 'a//b', '.hidden', 'Upper', 'a/', '', 'x'.repeat(201)]) {
      for (const attempt of [a.put(key, Buffer.from('x')), a.stat(key), a.get(key), a.delete(key)]) {
        const err = await attempt.then(() => null, (e: unknown) => e);
        expect(err, key).to.be.instanceOf(Error).and.not.to.be.instanceOf(HttpError);
        expect((err as Error).message).to.match(/^invalid storage key/);
      }
    }
    expect(fs.existsSync(path.join(filesDir, 'x'))).to.equal(false);
  });

  it('keeps two plugins\' identical keys apart', async () => {
    await a.put('shared/name.txt', Buffer.from('from a'));
    await b.put('shared/name.txt', Buffer.from('from b'));
    expect(await text(await a.get('shared/name.txt') as Readable)).to.equal('from a');
    expect(await text(await b.get('shared/name.txt') as Readable)).to.equal('from b');
    await b.delete('shared/name.txt');
    expect(await a.stat('shared/name.txt')).to.deep.equal({ size: 6 });
  });

  it('creates directories 0700 and files 0600', async () => {
    await a.put('modes/deep/file.txt', Buffer.from('private'));
    const mode = (p: string) => fs.statSync(path.join(filesDir, p)).mode & 0o777;
    for (const dir of ['.', 'files-a', 'files-a/modes', 'files-a/modes/deep']) expect(mode(dir), dir).to.equal(0o700);
    expect(mode('files-a/modes/deep/file.txt')).to.equal(0o600);
  });
});
