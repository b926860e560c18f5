// The shared plumbing plugins build on: a list cursor of the wrong shape is a plain 400 that never
// reaches SQL (courses catalog, users list, audit trail), and a CSV upload (users import, courses
// enrollment import) is received whole before any database work, so a client that trickles its upload
// holds no connection and blocks nobody — even on PGlite's one connection — and one that stops sending
// is refused after the idle timeout.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';
import { eventually } from './helpers';

/** base64url of ["a","abc"]: a well-formed cursor whose key has the wrong types for every list below. */
const WRONG_TYPED = Buffer.from(JSON.stringify(['a', 'abc'])).toString('base64url');

describe('shared plumbing', function () {
  this.timeout(60_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ plugins: ['auth', 'courses'] });
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
    let courseId: string;
    before(async () => {
      server = http.createServer(t.app.http.callback());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      courseId = (await t.as('1').post('/api/v1/courses').send({ title: 'Trickled', code: 'TRICKLE-1' })).body.id;
      for (const learner of ['slow3', 'slow4']) await t.persona(learner);
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    const uploads = [
      {
        route: 'the users import', plugin: 'auth', path: () => '/api/v1/users/import', imports: 'auth_imports',
        first: 'email,name\nslow1@trickle.test,Slow One\n', rest: 'slow2@trickle.test,Slow Two\n', stalled: 'email,name\nstalled@trickle.test,Stalled\n',
        done: async () => t.db('auth_users').where('email', 'like', '%@trickle.test').orderBy('email').pluck('email'),
        expected: ['slow1@trickle.test', 'slow2@trickle.test'],
      },
      {
        route: 'the courses enrollment import', plugin: 'courses', path: () => `/api/v1/courses/${courseId}/enrollments/import`, imports: 'courses_imports',
        first: 'email\nslow3@example.test\n', rest: 'slow4@example.test\n', stalled: 'email\nstalled@example.test\n',
        done: async () => t.db('courses_enrollments as e').join('auth_users as u', 'u.id', 'e.user_id').where('e.course_id', courseId)
          .orderBy('u.email').pluck('u.email'),
        expected: ['slow3@example.test', 'slow4@example.test'],
      },
    ];

    /** Starts an upload to `path` whose body arrives as `first`, then nothing more until the returned `finish`. */
    function trickle(path: string, first: string) {
      const req = http.request(`${base}${path}`, {
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

    /** No database connection is in use: none is held for a pending upload. */
    const noConnectionInUse = async () => (t.db.client as { pool: { numUsed(): number } }).pool.numUsed() === 0;

    for (const u of uploads) {
      describe(u.route, () => {
        it('holds no database connection and blocks no other request while the client is slow, then stages the whole file', async () => {
          const upload = trickle(u.path(), u.first);
          await new Promise((resolve) => setTimeout(resolve, 200));
          await eventually(noConnectionInUse);
          const [ready, users] = await Promise.all([t.get('/readyz'), t.as('1').get('/api/v1/users?limit=5')]);
          expect([ready.status, users.status], 'answered while the upload was pending').to.deep.equal([200, 200]);
          upload.finish(u.rest);
          const res = await upload.answer;
          expect(res.status, res.body).to.equal(202);
          await t.jobs.drain(30_000);
          expect(await u.done()).to.deep.equal(u.expected);
        });

        it('refuses an upload that stops sending for the idle timeout with 408, staging nothing', async () => {
          await t.app.settings.update(u.plugin, { importIdleSeconds: 1 });
          try {
            const before = await t.db(u.imports).count({ n: '*' }).first();
            const upload = trickle(u.path(), u.stalled);
            const res = await upload.answer;
            expect(res.status, res.body).to.equal(408);
            expect(JSON.parse(res.body).detail).to.contain('nothing arrived for 1 seconds');
            expect(await t.db(u.imports).count({ n: '*' }).first()).to.deep.equal(before);
          } finally {
            await t.app.settings.update(u.plugin, { importIdleSeconds: 30 });
          }
        });
      });
    }
  });
});
