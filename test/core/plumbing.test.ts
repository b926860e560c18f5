// The shared plumbing plugins build on: a list cursor of the wrong shape is a plain 400 that never
// reaches SQL (courses catalog, users list, audit trail), and a CSV upload is received whole before any
// database work, so a client that trickles its upload blocks nobody — even on PGlite's one connection —
// and one that stops sending is refused after the idle timeout.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';

/** base64url of ["a","abc"]: a well-formed cursor whose key has the wrong types for every list below. */
const WRONG_TYPED = Buffer.from(JSON.stringify(['a', 'abc'])).toString('base64url');

describe('shared plumbing', function () {
  this.timeout(60_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ plugins: ['auth', 'courses'], settings: { auth: { importIdleSeconds: 1 } } });
    await t.grant('1', 'admin');
    await t.grant('2', 'learner');
  });
  after(async () => t?.close());

  describe('a cursor of the wrong shape', () => {
    for (const [list, path, who] of [
      ['the courses catalog', '/api/v1/courses', '2'],
      ['the users list', '/api/v1/users', '1'],
      ['the audit trail', '/api/v1/audit', '1'],
    ]) {
      it(`${list}: 400 on query.cursor, without SQL`, async () => {
        for (const cursor of [WRONG_TYPED, Buffer.from('[1.5]').toString('base64url'), 'abc']) {
          const res = await t.as(who).get(`${path}?cursor=${cursor}`);
          expect(res.status, JSON.stringify(res.body)).to.equal(400);
          expect(res.body.errors).to.deep.equal([{ path: 'query.cursor', message: 'is invalid' }]);
          expect(JSON.stringify(res.body)).to.not.match(/select|from "|where/i);
        }
      });
    }
  });

  describe('a CSV upload', () => {
    let server: http.Server;
    let base: string;
    before(async () => {
      server = http.createServer(t.app.http.callback());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    /** Starts an import whose body arrives as `first`, then nothing more until the returned `finish`. */
    function trickle(first: string) {
      const req = http.request(`${base}/api/v1/users/import`, {
        method: 'POST', headers: { 'x-lectern-test-user': '1', 'Content-Type': 'text/csv', 'Transfer-Encoding': 'chunked' },
      });
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let body = '';
          res.on('data', (c: Buffer) => { body += c.toString(); });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
      });
      req.write(first);
      return { answer, finish: (rest: string) => req.end(rest) };
    }

    const timed = async (path: string, who?: string) => {
      const started = Date.now();
      const res = await (who ? t.as(who).get(path) : t.get(path));
      return { status: res.status, ms: Date.now() - started };
    };

    it('blocks no other database request while the client is slow, then stages the whole file', async () => {
      const upload = trickle('email,name\nslow1@trickle.test,Slow One\n');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const [ready, users] = await Promise.all([timed('/readyz'), timed('/api/v1/users?limit=5', '1')]);
      expect(ready.status).to.equal(200);
      expect(users.status).to.equal(200);
      expect(Math.max(ready.ms, users.ms), 'answered while the upload was pending').to.be.below(500);
      upload.finish('slow2@trickle.test,Slow Two\n');
      const res = await upload.answer;
      expect(res.status, res.body).to.equal(202);
      await t.jobs.drain(30_000);
      expect(await t.db('auth_users').where('email', 'like', '%@trickle.test').orderBy('email').pluck('email'))
        .to.deep.equal(['slow1@trickle.test', 'slow2@trickle.test']);
    });

    it('refuses an upload that stops sending for the idle timeout with 408, staging nothing', async () => {
      const before = await t.db('auth_imports').count({ n: '*' }).first();
      const upload = trickle('email,name\nstalled@trickle.test,Stalled\n');
      const res = await upload.answer;
      expect(res.status, res.body).to.equal(408);
      expect(JSON.parse(res.body).detail).to.contain('nothing arrived for 1 seconds');
      expect(await t.db('auth_imports').count({ n: '*' }).first()).to.deep.equal(before);
    });
  });
});
