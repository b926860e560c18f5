// Findings of the security review of the HTTP layer, each kept as a test: input that could crash or
// fool the server (deep nesting, invalid UTF-8, dates PostgreSQL refuses), database and library text
// reaching clients, a client hanging up mistaken for a database outage, cross-site posts (login CSRF),
// the security headers (CSP, HSTS, Cache-Control) and the private data directory.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import { createTestApp, defineJob, definePlugin, defineRoute, JobAccepted, reply, Type, type TestApp } from 'lectern';
import { connectDatabase } from '../../core/db/connect';
import { account, type Account } from '../plugins/auth/helpers';

/** Holds the reset route until the test has hung up. */
let hungUp: Promise<void> = Promise.resolve();

const castFails = defineJob({
  name: 'leaky.cast', payload: Type.Object({}), attempts: 1,
  handler: async (_payload, ctx) => ctx.db.raw("select 'secret-value'::int as n"),
});

/** Routes that fail the way libraries fail: a database refusal, an exposed http-errors error, a reset socket. */
const leaky = definePlugin({
  name: 'leaky', version: '1.0.0', core: '^1.0.0', jobs: [castFails],
  routes: [
    defineRoute({
      method: 'GET', path: '/api/v1/leaky/cast-value', public: true, query: Type.Object({ v: Type.String() }), summary: 'A database refusal of a client\'s value',
      responses: { 200: Type.Object({}) }, errors: [400], handler: async (req) => req.db.raw('select ?::int as n', [req.query.v]),
    }),
    defineRoute({ method: 'GET', path: '/api/v1/leaky/cast', public: true, summary: 'A database refusal', responses: { 200: Type.Object({}) }, errors: [400], handler: async (req) => req.db.raw("select 'secret-value'::int as n") }),
    defineRoute({
      method: 'GET', path: '/api/v1/leaky/exposed', public: true, summary: 'An exposed library error', responses: { 200: Type.Object({}) }, errors: [400],
      handler: async () => { throw Object.assign(new Error('library internals: /srv/app/secret.js'), { status: 400, expose: true }); },
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/leaky/reset', public: true, summary: 'A socket reset while the client is gone', responses: { 200: Type.Object({}) },
      handler: async () => {
        await hungUp;
        throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
      },
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/leaky/lost', public: true, summary: 'A statement whose connection was lost, as knex reports it', responses: { 200: Type.Object({}) },
      handler: async () => { throw new Error(`insert into "leaky_rows" ("secret") values ('secret-value') - Connection terminated unexpectedly`); },
    }),
    defineRoute({
      method: 'POST', path: '/api/v1/leaky/echo', public: true, body: Type.Object({}, { additionalProperties: true }),
      summary: 'Echoes the body', responses: { 200: Type.Object({ body: Type.Unknown() }) },
      handler: async (req) => ({ body: req.body }),
    }),
    defineRoute({ method: 'POST', path: '/api/v1/leaky/jobs', authenticated: true, summary: 'Starts a job that fails', responses: { 202: JobAccepted }, handler: async (req) => reply.accepted(await req.enqueue(castFails, {})) }),
  ],
});

const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const leaksSql = (text: string) => /\b(select|insert|update|delete)\b.*\b(from|into|set)\b/i.test(text);
/** Sends `bytes` as they are (superagent would serialize a Buffer given with a JSON type). */
const raw = (req: supertest.Test, type: string, bytes: Buffer | string) => req.set('content-type', type).serialize((b) => b).send(bytes);

/** Records what the app logs at info and above while `fn` runs. */
async function logged(t: TestApp, fn: () => Promise<void>): Promise<{ level: string; msg: unknown }[]> {
  const log = t.app.log as unknown as Record<string, unknown>;
  const seen: { level: string; msg: unknown }[] = [];
  const level = t.app.log.level;
  t.app.log.level = 'info';
  const saved = { error: log.error, warn: log.warn, info: log.info };
  for (const name of Object.keys(saved)) log[name] = (_obj: unknown, msg?: unknown) => { seen.push({ level: name, msg }); };
  try {
    await fn();
  } finally {
    Object.assign(log, saved);
    t.app.log.level = level;
  }
  return seen;
}

/**
 * Sends `head` (with `Expect: 100-continue`) to `server`, waits until it handles the request, sends
 * `body`, resets the connection and waits until the server has seen it go.
 */
async function hangUp(server: http.Server, head: string, body = ''): Promise<void> {
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const serverSide = await accepted;
  const gone = new Promise((resolve) => serverSide.once('close', resolve));
  socket.write(`${head}Expect: 100-continue\r\n\r\n`);
  await new Promise((resolve) => socket.once('data', resolve)); // "100 Continue": the request is being handled
  socket.write(body);
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.resetAndDestroy();
  await gone;
}

describe('core hardening', () => {
  let t: TestApp;
  let admin: Account;
  before(async function () {
    this.timeout(60_000);
    t = await createTestApp({ plugins: ['auth', 'courses', 'maintenance', leaky], config: { bodyLimitBytes: 1_048_576 } });
    admin = await account(t, 'admin@example.com', ['admin']);
  });
  after(() => t.close());

  describe('deeply nested input', () => {
    it('answers 400 naming the body for JSON nested past the limit, anonymously, instead of overflowing the stack', async () => {
      const res = await raw(t.post('/api/v1/auth/login'), 'application/json', nested(2000));
      expect(res.status, res.text).to.equal(400);
      expect(res.type).to.equal('application/problem+json');
      expect(res.body.errors).to.have.length(1);
      expect(res.body.errors[0].path).to.match(/^body(\.a){32}$/);
      expect(res.body.errors[0].message).to.equal('nests deeper than 32 levels');
    });

    it('takes a body nested up to the limit, and refuses deep arrays and a megabyte of open brackets with 400', async () => {
      const ok = await raw(t.post('/api/v1/leaky/echo'), 'application/json', nested(32));
      expect(ok.status, ok.text).to.equal(200);
      const brackets = await raw(t.post('/api/v1/leaky/echo'), 'application/json', '['.repeat(1_000_000));
      expect([brackets.status, brackets.body.detail]).to.deep.equal([400, 'The body is not valid JSON.']);
      const arrays = await raw(t.post('/api/v1/leaky/echo'), 'application/json', `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
      expect([arrays.status, arrays.body.errors?.[0].message]).to.deep.equal([400, 'nests deeper than 32 levels']);
    });

    it('reads form fields one level deep (name[key], name[]) and refuses deeper names', async () => {
      const ok = await raw(t.post('/api/v1/leaky/echo'), 'application/x-www-form-urlencoded', 'a=1&a=2&g[x]=3&l[]=4&s=a+b%20c%25&__proto__=5');
      expect([ok.status, ok.text]).to.deep.equal([200, JSON.stringify({ body: { a: ['1', '2'], l: ['4'], s: 'a b c%', ['__proto__']: '5', g: { x: '3' } } })]);
      const deep = await raw(t.post('/api/v1/leaky/echo'), 'application/x-www-form-urlencoded', 'next[a][b]=1');
      expect([deep.status, deep.body.errors]).to.deep.equal([400, [{ path: 'body.next[a][b]', message: 'nests deeper than one level (name[key])' }]]);
      const login = await raw(t.post('/login'), 'application/x-www-form-urlencoded', 'email=a@example.com&password=x&next[a][b]=1');
      expect(login.status).to.equal(400);
    });
  });

  describe('invalid UTF-8', () => {
    it('answers 400 for a JSON body that is not UTF-8', async () => {
      const body = Buffer.concat([Buffer.from('{"email":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('@example.com"}')]);
      const res = await raw(t.post('/api/v1/auth/password-reset'), 'application/json', body);
      expect([res.status, res.body.detail]).to.deep.equal([400, 'The body is not valid UTF-8.']);
      expect(res.body.errors).to.deep.equal([{ path: 'body', message: 'is not valid UTF-8' }]);
    });

    it('answers 400 for a form body with invalid UTF-8, raw or percent-encoded', async () => {
      for (const name of [Buffer.from([0x61, 0xc3, 0x28]), Buffer.from('a%C3%28')]) {
        const res = await raw(t.post('/api/v1/leaky/echo'), 'application/x-www-form-urlencoded', Buffer.concat([Buffer.from('name='), name]));
        expect([res.status, res.body.detail], String(name)).to.deep.equal([400, 'The body is not valid UTF-8.']);
      }
    });

    it('answers 400 for a query string with invalid percent-encoded UTF-8', async () => {
      const res = await t.get('/api/v1/courses?q=%FF').set(admin.auth);
      expect([res.status, res.body.errors]).to.deep.equal([400, [{ path: 'query', message: 'is not valid UTF-8' }]]);
      expect((await t.get('/api/v1/courses?q=100%').set(admin.auth)).status).to.equal(200);
    });

    it('keeps the 413 (showing the limit in KB or MB) and the 415 answers', async () => {
      const big = await t.post('/api/v1/leaky/echo').send({ x: 'x'.repeat(1_100_000) });
      expect([big.status, big.body.detail]).to.deep.equal([413, 'The body is larger than 1 MB.']);
      const zipped = await raw(t.post('/api/v1/leaky/echo').set('content-encoding', 'gzip'), 'application/json', '{}');
      expect(zipped.status).to.equal(415);
      const latin1 = await raw(t.post('/api/v1/leaky/echo'), 'application/json; charset=latin1', '{}');
      expect(latin1.status).to.equal(415);
    });
  });

  describe('a client that hangs up', () => {
    it('is logged at info as a closed request, never as a database outage', async () => {
      const server = http.createServer(t.app.http.callback());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const seen = await logged(t, async () => {
          const upload = (route: string, type: string, auth = '') =>
            `POST ${route} HTTP/1.1\r\nHost: localhost\r\n${auth}Content-Type: ${type}\r\nContent-Length: 100000\r\n`;
          await hangUp(server, upload('/api/v1/leaky/echo', 'application/json'), '{"a":"');
          await hangUp(server, upload('/api/v1/users/import', 'text/csv', `Authorization: Bearer ${admin.token}\r\n`), 'email,name\n');
          let release = () => undefined as void;
          hungUp = new Promise((resolve) => { release = resolve; });
          await hangUp(server, 'GET /api/v1/leaky/reset HTTP/1.1\r\nHost: localhost\r\n');
          release();
          await t.app.http.settled();
        });
        expect(seen.filter((e) => e.level !== 'info')).to.deep.equal([]);
        expect(seen.filter((e) => e.msg === 'client closed the request')).to.have.length(3);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('database and library text', () => {
    it('answers 503 for a statement whose connection was lost, with the statement knex puts before the message', async () => {
      const res = await t.get('/api/v1/leaky/lost');
      expect([res.status, res.headers['retry-after'], res.text.includes('secret-value')]).to.deep.equal([503, '5', false]);
      // A client's value that reads like an outage (knex writes values into the message) is still the refusal it is.
      const posing = await t.get('/api/v1/leaky/cast-value').query({ v: 'x - Connection terminated unexpectedly; is not queryable' });
      expect([posing.status, posing.body.detail]).to.deep.equal([400, 'The database refused a value of this request.']);
    });

    it('never answers with database text: a bad cursor is a field error', async () => {
      const learner = await account(t, 'learner@example.com');
      const res = await t.get('/api/v1/courses?cursor=WyJhIiwiYWJjIl0').set(learner.auth);
      expect(res.status).to.equal(400);
      expect(res.body.errors).to.deep.equal([{ path: 'query.cursor', message: 'is invalid' }]);
      expect(leaksSql(res.text)).to.equal(false);
    });

    it('refuses date-times PostgreSQL would refuse or move, as field errors', async () => {
      const course = await t.post('/api/v1/courses').set(admin.auth).send({ title: 'Dates', code: 'DATES-1' });
      expect(course.status, course.text).to.equal(201);
      const learner = await account(t, 'dated@example.com');
      const enroll = (dueAt: string) => t.post(`/api/v1/courses/${course.body.id}/enrollments`).set(admin.auth).send({ userId: learner.id, dueAt });
      for (const dueAt of ['2026-12-31T23:59:60Z', '0000-01-01T00:00:00Z', '0099-01-01T00:00:00Z', '2030-01-01T00:00:00+16:00', '2030-02-29T00:00:00Z']) {
        const res = await enroll(dueAt);
        expect(res.status, dueAt).to.equal(400);
        expect(res.body.errors, dueAt).to.deep.include({ path: 'body.dueAt', message: 'must match format "date-time"' });
        expect(leaksSql(res.text), dueAt).to.equal(false);
      }
      const fine = await enroll('2030-01-01T00:00:00+14:00');
      expect(fine.status, fine.text).to.be.below(300);
    });

    it('answers a value the database refuses with a fixed message, and a library\'s exposed error without its text', async () => {
      const cast = await t.get('/api/v1/leaky/cast');
      expect([cast.status, cast.body.detail]).to.deep.equal([400, 'The database refused a value of this request.']);
      expect(cast.text).not.to.contain('secret-value');
      const exposed = await t.get('/api/v1/leaky/exposed');
      expect([exposed.status, exposed.body.detail]).to.deep.equal([400, 'The request could not be handled as sent.']);
      expect(exposed.text).not.to.contain('internals');
      const method = await supertest(t.app.http.callback()).propfind('/healthz');
      expect([method.status, method.type]).to.deep.equal([501, 'application/problem+json']);
    });

    it('shows the starter of a job that failed on a database error a fixed message', async () => {
      const started = await t.post('/api/v1/leaky/jobs').set(admin.auth);
      expect(started.status, started.text).to.equal(202);
      await t.jobs.drain();
      const job = await t.get(started.headers.location).set(admin.auth);
      expect(job.body.state).to.equal('failed');
      expect(job.body.error).to.equal('A database or system error stopped this job (22P02); the server log has the details.');
    });
  });

  describe('requests from other sites', () => {
    const login = () => t.post('/api/v1/auth/login').send({ email: 'admin@example.com', password: 'correct horse battery' });

    it('refuses a browser post from another origin or site with 403, before signing anyone in', async () => {
      for (const [name, value] of [['origin', 'https://evil.example'], ['origin', 'null'], ['sec-fetch-site', 'cross-site'], ['sec-fetch-site', 'same-site']]) {
        const res = await login().set(name, value);
        expect([res.status, res.type, res.headers['set-cookie']], `${name}: ${value}`).to.deep.equal([403, 'application/problem+json', undefined]);
      }
      const form = await raw(t.post('/login').set('origin', 'https://evil.example'), 'application/x-www-form-urlencoded', 'email=admin%40example.com&password=x');
      expect(form.status).to.equal(403);
    });

    it('lets through this site\'s own pages, API clients with a token, and clients that send neither header', async () => {
      const own = await login().set('host', 'lectern.test').set('origin', 'http://lectern.test').set('sec-fetch-site', 'same-origin');
      expect(own.status, own.text).to.equal(200);
      expect((await login()).status).to.equal(200);
      const token = await t.post('/api/v1/leaky/echo').set(admin.auth).set('origin', 'https://evil.example').send({});
      expect(token.status).to.equal(200);
      expect((await t.get('/api/v1/me').set(admin.auth).set('sec-fetch-site', 'cross-site')).status).to.equal(200);
    });

    it('takes the origin through a trusted proxy, and sends HSTS only over HTTPS', async () => {
      const proxied = await createTestApp({ plugins: [leaky], config: { trustProxy: true }, workers: false });
      try {
        const post = (origin: string) => proxied.post('/api/v1/leaky/echo').set('x-forwarded-proto', 'https').set('x-forwarded-host', 'lectern.test')
          .set('origin', origin).send({});
        const https = await post('https://lectern.test');
        expect([https.status, https.headers['strict-transport-security']]).to.deep.equal([200, 'max-age=31536000']);
        expect((await post('http://lectern.test')).status).to.equal(403);
      } finally {
        await proxied.close();
      }
      const untrusted = await t.get('/healthz').set('x-forwarded-proto', 'https');
      expect(untrusted.headers['strict-transport-security']).to.equal(undefined);
    });
  });

  describe('headers and pages', () => {
    it('sends a Content-Security-Policy without inline scripts, and pages that need none', async () => {
      const home = await t.get('/').set('accept', 'text/html');
      expect(home.headers['content-security-policy']).to.equal(
        "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
      const pages = t.app.http.mounted.filter(({ route }) => route.method === 'GET' && route.html && !route.path.includes(':')).map(({ route }) => route.path);
      expect(pages).to.include.members(['/', '/admin/users/import']);
      for (const page of pages) {
        const res = await t.get(page).set(admin.auth).set('accept', 'text/html');
        expect(res.status, page).to.be.below(500);
        expect(res.text.match(/<script(?![^>]*\bsrc=)[^>]*>/g), page).to.equal(null);
      }
      const script = await t.get('/assets/auth/import.js');
      expect([script.status, script.type, script.headers['cache-control']]).to.deep.equal([200, 'text/javascript', 'public, max-age=3600']);
      expect((await t.get('/assets/courses/enrollments-import.js')).status).to.equal(200);
    });

    it('has no inline script, event handler or style in any view, which the policy would block', () => {
      const root = path.resolve(__dirname, '..', '..', '..');
      const views = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : views(full);
        return e.name.endsWith('.hbs') ? [full] : [];
      });
      const files = ['plugins', 'themes', 'examples', 'core'].flatMap((d) => views(path.join(root, d)));
      expect(files.length).to.be.above(20);
      const inline = files.filter((f) => /<script(?![^>]*\bsrc=)|\son[a-z]+=|\sstyle=|<style/i.test(fs.readFileSync(f, 'utf8')));
      expect(inline.map((f) => path.relative(root, f))).to.deep.equal([]);
    });

    it('marks every dynamic answer no-store (sign-in and tokens among them); static assets keep their caching', async () => {
      const signIn = await t.post('/api/v1/auth/login').send({ email: 'admin@example.com', password: 'correct horse battery' });
      expect(signIn.headers['set-cookie']).to.have.length.above(0);
      const token = await t.post('/api/v1/auth/tokens').send({ email: 'admin@example.com', password: 'correct horse battery' });
      const me = await t.get('/api/v1/me').set(admin.auth);
      const page = await t.get('/account').set(admin.auth).set('accept', 'text/html');
      const problem = await t.get('/api/v1/nowhere');
      expect([signIn, token, me, page, problem].map((r) => r.headers['cache-control'])).to.deep.equal(Array(5).fill('no-store'));
      expect((await t.get('/assets/style.css')).headers['cache-control']).to.equal('public, max-age=3600');
    });

    it('shows upload limits in KB or MB', async () => {
      const page = await t.get('/admin/users/import').set(admin.auth).set('accept', 'text/html');
      expect(page.text).to.match(/At most \d+(\.\d)? (KB|MB)\./).and.not.to.match(/\d bytes/);
    });
  });

  describe('the data directory', () => {
    it('is private to the server\'s user: 0700, with 0600 files, tightened when it was left open', async function () {
      this.timeout(60_000);
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-private-'));
      fs.chmodSync(dataDir, 0o755);
      fs.writeFileSync(path.join(dataDir, 'left-open'), 'x', { mode: 0o644 });
      try {
        const db = await connectDatabase({ dataDir });
        await db.knex.raw('create table core_probe (hash text)');
        await db.close();
        const modes = [dataDir, ...fs.readdirSync(dataDir, { recursive: true }).map((f) => path.join(dataDir, String(f)))]
          .map((f) => fs.statSync(f)).map((s) => (s.isDirectory() ? `d${(s.mode & 0o777).toString(8)}` : (s.mode & 0o777).toString(8)));
        expect(modes.length).to.be.above(100);
        expect([...new Set(modes)].sort()).to.deep.equal(['600', 'd700']);
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
