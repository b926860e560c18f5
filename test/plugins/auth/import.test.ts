// The bulk CSV user import (POST /api/v1/users/import, the auth.importUsers job, `lectern users import`):
// bad lines are reported by physical line number while good ones commit, re-runs change nothing, a
// file that cannot be imported is refused whole with nothing staged, roles and cohorts take effect,
// a worker process killed mid-import leaves no duplicates (PostgreSQL), and the CLI imports a file.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { createApp, createTestApp, definePlugin, on, type TestApp } from 'lectern';
import { cohortMembersAdded, userCreated } from '../../../plugins/auth';
import { runImport } from '../../../plugins/auth/import-batch';
import { account, type Account } from './helpers';

const onPostgres = Boolean(process.env.DATABASE_URL);
const cli = path.resolve(__dirname, '..', '..', '..', 'core', 'cli.js');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records what the import emits (subscribers run after each batch commits). */
const seen = { created: [] as string[], added: [] as { cohortId: string; userIds: string[] }[] };
const spy = definePlugin({
  name: 'import-spy', version: '1.0.0', core: '^1.0.0', dependsOn: ['auth'],
  subscribe: [
    on(userCreated, (p) => { seen.created.push(p.userId); }),
    on(cohortMembersAdded, (p) => { seen.added.push(p); }),
  ],
});

interface Result { created: number; updated: number; failed: { line: number; error: string }[] }

async function counts(t: TestApp): Promise<{ imports: number; rows: number; users: number }> {
  const n = async (table: string) => Number((await t.db(table).count({ n: '*' }))[0].n);
  return { imports: await n('auth_imports'), rows: await n('auth_import_rows'), users: await n('auth_users') };
}

const usersOf = (t: TestApp, domain: string) => t.db('auth_users').whereRaw('lower(email) like ?', [`%@${domain}`]).orderBy('id');

describe('auth: bulk user import', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: Account;

  before(async () => {
    t = await createTestApp({ plugins: ['auth', spy, 'maintenance'] });
    admin = await account(t, 'importer@example.com', ['admin']);
  });
  after(async () => t?.close());

  const upload = (csv: string | Buffer, opts: { query?: string; as?: Account; type?: string } = {}) =>
    t.post(`/api/v1/users/import${opts.query ?? ''}`).set((opts.as ?? admin).auth)
      .set('Content-Type', opts.type ?? 'text/csv').send(Buffer.isBuffer(csv) ? csv : Buffer.from(csv));

  /** Uploads, waits for the job and returns its result (checking the 202 and the job on the way). */
  async function importCsv(csv: string | Buffer, query = ''): Promise<Result & { importId: string }> {
    const res = await upload(csv, { query });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    expect(res.body.job.state).to.be.oneOf(['waiting', 'active']);
    expect(res.headers.location).to.equal(`/api/v1/jobs/${encodeURIComponent(res.body.job.id)}`);
    await t.jobs.drain(60_000);
    const job = await t.get(res.headers.location).set(admin.auth);
    expect(job.status).to.equal(200);
    expect(job.body, JSON.stringify(job.body)).to.include({ name: 'auth.importUsers', state: 'completed', progress: 100 });
    const [imp] = await t.db('auth_imports').orderBy('id', 'desc').limit(1);
    expect(imp.finished_at).to.not.equal(null);
    expect(await t.db('auth_import_rows').where({ import_id: imp.id }).count({ n: '*' })).to.deep.equal([{ n: 0 }]);
    return { ...(job.body.result as Result), importId: String(imp.id) };
  }

  const longName = 'x'.repeat(201);
  const mixed = [
    '\ufeffEmail,Name,Roles,Cohort', //             1 (a BOM, header names in any case)
    'ada@mixed.test,Ada Lovelace,learner,Analysts', // 2
    'not-an-email,Bob,,', //                       3
    '', //                                         4
    'cy@mixed.test,Cy,wizard,', //                 5
    `dee@mixed.test,${longName},,`, //             6
    '   ', //                                      7 (blank: skipped)
    'eve@mixed.test,"Eve ""Quoted"", Jr.",learner; Support,analysts', // 8
    'ADA@Mixed.test,Ada Again,,', //               9 (duplicate of line 2)
    'fay@mixed.test,,,', //                        10
    'gus@mixed.test,"Gus', //                      11 (a quoted line break…)
    'Multi",,', //                                 12
    'hal@mixed.test,Hal,,Ops', //                  13
    '', //                                         14
  ].join('\r\n');
  const mixedFailures = [
    { line: 3, error: '"not-an-email" is not an email address' },
    { line: 5, error: 'unknown role "wizard"' },
    { line: 6, error: 'name is longer than 200 characters' },
    { line: 9, error: 'duplicate email: already on line 2' },
    { line: 10, error: 'name is required' },
    { line: 11, error: 'name contains a line break or another control character' },
  ];

  it('reports exactly the bad lines and commits the good ones, with their roles and cohorts', async () => {
    seen.created.length = 0;
    seen.added.length = 0;
    const result = await importCsv(mixed);
    expect(result).to.deep.include({ created: 3, updated: 0, failed: mixedFailures });

    const users = await usersOf(t, 'mixed.test');
    expect(users.map((u) => [u.email, u.name, u.password_hash])).to.deep.equal([
      ['ada@mixed.test', 'Ada Lovelace', null], ['eve@mixed.test', 'Eve "Quoted", Jr.', null], ['hal@mixed.test', 'Hal', null],
    ]);
    const [ada, eve, hal] = users.map((u) => String(u.id));
    const roles = await t.db('core_role_assignments as a').join('core_contexts as c', 'c.id', 'a.context_id')
      .whereIn('a.user_id', [ada, eve, hal]).orderBy(['a.user_id', 'a.role_key']).select('a.user_id', 'a.role_key', 'c.type');
    expect(roles.map((r) => `${r.user_id}:${r.role_key}@${r.type}`)).to.deep.equal([`${ada}:learner@system`, `${eve}:learner@system`, `${eve}:support@system`]);
    expect((await t.app.permissions.assignmentsOfUser(eve)).map((a) => a.role)).to.have.members(['learner', 'support']);

    const cohorts = await t.db('auth_cohorts').orderBy('id').select('id', 'name');
    expect(cohorts.map((c) => c.name)).to.deep.equal(['Analysts', 'Ops']);
    const members = await t.db('auth_cohort_members').orderBy(['cohort_id', 'user_id']).select('cohort_id', 'user_id');
    expect(members.map((m) => `${m.cohort_id}:${m.user_id}`)).to.deep.equal([`${cohorts[0].id}:${ada}`, `${cohorts[0].id}:${eve}`, `${cohorts[1].id}:${hal}`]);

    // One audit record per batch (not per user), events per batch and cohort.
    const audit = await t.db('core_audit').where({ action: 'auth.users.import' }).select('actor_id', 'target_id', 'details');
    expect(audit).to.have.length(1);
    expect(audit[0]).to.deep.include({ actor_id: admin.id, target_id: result.importId });
    expect(audit[0].details).to.deep.equal({ importId: result.importId, lines: { from: 2, to: 13 }, created: [ada, eve, hal], updated: [], failed: 5 });
    expect(await t.db('core_audit').where({ action: 'auth.users.importUpload', target_id: result.importId }).count({ n: '*' })).to.deep.equal([{ n: 1 }]);
    expect(seen.created).to.deep.equal([ada, eve, hal]);
    expect(seen.added).to.deep.equal([{ cohortId: String(cohorts[0].id), userIds: [ada, eve] }, { cohortId: String(cohorts[1].id), userIds: [hal] }]);
  });

  it('changes nothing when the same file is imported again, and creates no duplicate', async () => {
    const before = await usersOf(t, 'mixed.test');
    const result = await importCsv(mixed);
    expect(result).to.deep.include({ created: 0, updated: 0, failed: mixedFailures });
    const after = await usersOf(t, 'mixed.test');
    expect(after).to.deep.equal(before);
    const dupes = await t.db('auth_users').select(t.db.raw('lower(email) as e')).groupByRaw('lower(email)').havingRaw('count(*) > 1');
    expect(dupes).to.deep.equal([]);
    const audit = await t.db('core_audit').where({ action: 'auth.users.import', target_id: result.importId }).first('details');
    expect(audit.details).to.deep.include({ created: [], updated: [] });
  });

  it('counts a user as updated only when the name, a role or a cohort membership changed', async () => {
    const [ada, , hal] = (await usersOf(t, 'mixed.test')).map((u) => String(u.id));
    const result = await importCsv([
      'email,name,roles,cohort',
      'ada@mixed.test,Ada King,,', //                  the name changes
      'HAL@mixed.test,Hal,learner,', //                a role is added (email matched in any case)
      'eve@mixed.test,"Eve ""Quoted"", Jr.",learner,Analysts', // nothing new
      'ian@mixed.test,Ian,,Ops', //                    created
      'hal@other.test,Hal Other,,Analysts', //         created
    ].join('\n'));
    expect(result).to.deep.include({ created: 2, updated: 2, failed: [] });
    expect((await t.db('auth_users').where({ id: ada }).first('name')).name).to.equal('Ada King');
    const [, , , ian] = (await usersOf(t, 'mixed.test')).map((u) => String(u.id));
    const audit = await t.db('core_audit').where({ action: 'auth.users.import', target_id: result.importId }).first('details');
    expect(audit.details.updated).to.have.members([ada, hal]);
    expect(audit.details.created).to.include(ian);
    expect(await importCsv('email,name\nada@mixed.test,Ada King\n')).to.deep.include({ created: 0, updated: 0, failed: [] });
  });

  it('imports in batches of 1,000 lines, one audit record each', async () => {
    const lines = ['email,name'];
    for (let i = 1; i <= 2500; i++) lines.push(`user${i}@batch.test,User ${i}`);
    const result = await importCsv(lines.join('\n') + '\n');
    expect(result).to.deep.include({ created: 2500, updated: 0, failed: [] });
    const audit = await t.db('core_audit').where({ action: 'auth.users.import', target_id: result.importId }).orderBy('id').select('details');
    expect(audit.map((a) => [a.details.lines, a.details.created.length])).to.deep.equal([
      [{ from: 2, to: 1001 }, 1000], [{ from: 1002, to: 2001 }, 1000], [{ from: 2002, to: 2501 }, 500],
    ]);
    expect(await t.db('auth_users').where('email', 'like', '%@batch.test').count({ n: '*' })).to.deep.equal([{ n: 2500 }]);
  });

  it('lets several runners of one import take turns (at-least-once delivery): each batch once, no duplicates', async () => {
    const lines = ['email,name'];
    for (let i = 1; i <= 2500; i++) lines.push(`c${i}@concurrent.test,C ${i}`);
    const res = await upload(lines.join('\n'));
    expect(res.status).to.equal(202);
    const importId = String((await t.db('auth_imports').orderBy('id', 'desc').first('id')).id);
    // The queued job (this app runs workers) and two more runners, all at once.
    const ctx = t.app.contextOf('auth');
    const runners = await Promise.all([runImport(ctx, importId, { invite: false }), runImport(ctx, importId, { invite: false })]);
    await t.jobs.drain(60_000);
    const job = await t.get(res.headers.location).set(admin.auth);
    for (const result of [...runners, job.body.result]) expect(result).to.deep.equal({ created: 2500, updated: 0, failed: [] });
    expect(await t.db('auth_users').where('email', 'like', '%@concurrent.test').count({ n: '*' })).to.deep.equal([{ n: 2500 }]);
    const audit = await t.db('core_audit').where({ action: 'auth.users.import', target_id: importId }).orderBy('id').select('details');
    expect(audit.map((a) => a.details.lines.from)).to.deep.equal([2, 1002, 2002]);
  });

  it('sends new users an invitation with ?invite=true, and nobody one without it', async () => {
    const outbox = t.app.mailer.outbox as string;
    const mails = () => (fs.existsSync(outbox) ? fs.readdirSync(outbox).length : 0);
    const before = mails();
    const result = await importCsv('email,name\nana@invite.test,Ana\nada@mixed.test,Ada King\nbo@invite.test,Bo\n', '?invite=true');
    expect(result).to.deep.include({ created: 2, updated: 0 });
    const links = await t.db('auth_links as l').join('auth_users as u', 'u.id', 'l.user_id').where('l.purpose', 'invitation')
      .orderBy('u.email').pluck('u.email');
    expect(links).to.deep.equal(['ana@invite.test', 'bo@invite.test']);
    expect(mails() - before).to.equal(2);
    await importCsv('email,name\nquiet@invite.test,Quiet\n');
    expect(await t.db('auth_links').count({ n: '*' })).to.deep.equal([{ n: 2 }]);
    expect(mails() - before).to.equal(2);
  });

  describe('refuses a file that cannot be imported, staging nothing', () => {
    const refusals: [string, string | Buffer, number, string][] = [
      ['an unknown column', 'email,name,phone\nzed@refused.test,Zed,123\n', 400, 'unknown column "phone"'],
      ['a duplicate column', 'email,name,EMAIL\nzed@refused.test,Zed,z@z.test\n', 400, 'column "email" appears twice'],
      ['a missing required column', 'email,roles\nzed@refused.test,learner\n', 400, 'no "name" column'],
      ['no header line', 'zed@refused.test,Zed\n', 400, 'unknown column "zed@refused.test"'],
      ['a header without data lines', 'email,name\n\n\n', 400, 'no data lines'],
      ['an empty body', '', 400, 'The file is empty'],
      ['bytes that are not UTF-8', Buffer.concat([Buffer.from('email,name\nzed@refused.test,Z'), Buffer.from([0xe9, 0x0a])]), 400, 'not UTF-8'],
      ['UTF-16', Buffer.from('\ufeffemail,name\nzed@refused.test,Zed\n', 'utf16le'), 400, 'not UTF-8'],
      ['an unclosed quote', 'email,name\nzed@refused.test,Zed\n\nzoe@refused.test,"Zoe\nzak@refused.test,Zak\n', 400, 'Line 4: a quoted field is never closed'],
      ['a stray quote', 'email,name\nzed@refused.test,Z"e"d\n', 400, 'Line 2: a quote appears inside an unquoted field'],
      ['a wrong number of fields', 'email,name\nzed@refused.test,Zed\n\nzoe@refused.test,Zoe,extra\n', 400, 'Line 4: 3 fields, but the header has 2'],
    ];
    for (const [what, body, status, detail] of refusals) {
      it(`${what}: ${status}`, async () => {
        const before = await counts(t);
        const res = await upload(body);
        expect(res.status, JSON.stringify(res.body)).to.equal(status);
        expect(res.type).to.equal('application/problem+json');
        expect(res.body.detail).to.contain(detail);
        expect(await counts(t)).to.deep.equal(before);
      });
    }

    it('a body that is not text/csv: 415', async () => {
      const before = await counts(t);
      const json = await t.post('/api/v1/users/import').set(admin.auth).send({ email: 'zed@refused.test', name: 'Zed' });
      expect(json.status).to.equal(415);
      const latin1 = await upload('email,name\nzed@refused.test,Zed\n', { type: 'text/csv; charset=iso-8859-1' });
      expect(latin1.status).to.equal(415);
      expect(await counts(t)).to.deep.equal(before);
    });

    it('a caller without users:manage: 403; roles in the file without roles:manage: 403', async () => {
      const learner = await account(t, 'learner@refused.test', ['learner']);
      await t.app.permissions.createRole({ key: 'user-admin', name: 'User admin', permissions: ['users:manage'] });
      const userAdmin = await account(t, 'useradmin@refused.test', ['user-admin']);
      const before = await counts(t);
      const denied = await upload('email,name\nzed@refused.test,Zed\n', { as: learner });
      expect(denied.status).to.equal(403);
      const roles = await upload('email,name,roles\nzed@refused.test,Zed,\nzoe@refused.test,Zoe,admin\n', { as: userAdmin });
      expect(roles.status).to.equal(403);
      expect(roles.body.detail).to.contain('Line 3 assigns roles');
      expect(await counts(t)).to.deep.equal(before);
      // The same caller may import without roles.
      const ok = await upload('email,name,cohort\nzed@refused.test,Zed,Ops\n', { as: userAdmin });
      expect(ok.status).to.equal(202);
      await t.jobs.drain(30_000);
    });
  });
});

describe('auth: bulk user import size limit', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: Account;
  before(async () => {
    t = await createTestApp({ plugins: ['auth'], settings: { auth: { importMaxBytes: 2048 } } });
    admin = await account(t, 'importer@example.com', ['admin']);
  });
  after(async () => t?.close());

  const bigCsv = () => {
    const lines = ['email,name'];
    for (let i = 0; i < 2000; i++) lines.push(`big${i}@limit.test,Big ${i}`);
    return lines.join('\n');
  };

  it('answers 413 to a body over importMaxBytes, by its Content-Length, staging nothing', async () => {
    const before = await counts(t);
    const res = await t.post('/api/v1/users/import').set(admin.auth).set('Content-Type', 'text/csv').send(Buffer.from(bigCsv()));
    expect(res.status).to.equal(413);
    expect(res.body.detail).to.contain('larger than 2 KB (the auth setting importMaxBytes)');
    expect(await counts(t)).to.deep.equal(before);
  });

  it('answers 413 to a streamed (chunked) body once it passes the limit, staging nothing', async () => {
    const before = await counts(t);
    const server = http.createServer(t.app.http.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const data = Buffer.from(bigCsv());
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= data.length) return controller.close();
          controller.enqueue(data.subarray(sent, sent + 1024));
          sent += 1024;
        },
      });
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/users/import`, {
        method: 'POST', headers: { ...admin.auth, 'Content-Type': 'text/csv' }, body, duplex: 'half',
      } as RequestInit);
      expect(res.status).to.equal(413);
      expect(((await res.json()) as { detail: string }).detail).to.contain('larger than 2 KB (the auth setting importMaxBytes)');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await counts(t)).to.deep.equal(before);
  });

  it('imports a file under the limit', async () => {
    const res = await t.post('/api/v1/users/import').set(admin.auth).set('Content-Type', 'text/csv; charset=utf-8')
      .send(Buffer.from('email,name\nsmall@limit.test,Small\n'));
    expect(res.status).to.equal(202);
    await t.jobs.drain(30_000);
    expect(await usersOf(t, 'limit.test').pluck('email')).to.deep.equal(['small@limit.test']);
  });
});

(onPostgres ? describe : describe.skip)('auth: bulk user import with a worker process killed mid-import', function () {
  this.timeout(120_000);
  let t: TestApp;
  let admin: Account;
  const children: ChildProcess[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-import-kill-'));

  before(async () => {
    t = await createTestApp({ plugins: ['auth'], workers: false });
    admin = await account(t, 'importer@example.com', ['admin']);
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** `lectern worker` on the test app's schema and queue prefix, with the test app's short leases. */
  function worker(name: string): ChildProcess {
    const url = new URL(String(process.env.DATABASE_URL));
    url.searchParams.set('options', `-c search_path=${t.schema}`);
    const config = path.join(dataDir, `${name}.json`);
    fs.writeFileSync(config, JSON.stringify({
      plugins: ['auth'], dataDir: path.join(dataDir, name), logLevel: 'warn',
      jobs: { ...t.app.config.jobs },
    }));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, DATABASE_URL: url.toString(), LECTERN_CONFIG: config };
    if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
    const child = spawn(process.execPath, [cli, 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr?.on('data', (c: Buffer) => { output += c.toString(); });
    child.on('exit', (code, signal) => { if (code && signal !== 'SIGKILL') process.stderr.write(`worker ${name} exited ${code}:\n${output}\n`); });
    children.push(child);
    return child;
  }

  it('leaves no duplicate users, and the re-run completes it', async () => {
    // Roles make each 1,000-line batch take a while (one engine.assign per user), so the kill lands mid-import.
    const lines = ['email,name,roles,cohort'];
    for (let i = 1; i <= 3000; i++) lines.push(`k${i}@killed.test,Killed ${i},learner,Survivors`);
    const res = await t.post('/api/v1/users/import').set(admin.auth).set('Content-Type', 'text/csv').send(Buffer.from(lines.join('\n')));
    expect(res.status).to.equal(202);
    const jobId = String(res.body.job.id);
    const importRow = () => t.db('auth_imports').orderBy('id', 'desc').first();

    const first = worker('first');
    const deadline = Date.now() + 60_000;
    while (!((await importRow()).done_through_line > 0)) {
      if (Date.now() > deadline) throw new Error('the first worker committed no batch within 60 s');
      if (first.exitCode !== null) throw new Error('the first worker exited');
      await sleep(20);
    }
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = await importRow();
    expect(atKill.finished_at, 'the import was still running when its worker was killed').to.equal(null);
    expect(atKill.done_through_line).to.be.below(3001);

    const second = worker('second');
    const until = Date.now() + 90_000;
    let job = await t.app.jobs.get(jobId);
    while (job?.state !== 'completed') {
      if (Date.now() > until) throw new Error(`the import did not complete: ${JSON.stringify(job)}`);
      if (second.exitCode !== null) throw new Error('the second worker exited');
      await sleep(100);
      job = await t.app.jobs.get(jobId);
    }
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
    expect(job.result).to.deep.equal({ created: 3000, updated: 0, failed: [] });
    const users = await t.db('auth_users').where('email', 'like', '%@killed.test')
      .select(t.db.raw('count(*)::int as n'), t.db.raw('count(distinct lower(email))::int as distinct'));
    expect(users).to.deep.equal([{ n: 3000, distinct: 3000 }]);
    expect((await importRow()).finished_at).to.not.equal(null);
    expect(await t.db('auth_import_rows').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
    const learners = await t.db('core_role_assignments').where({ role_key: 'learner' }).count({ n: '*' });
    expect(learners).to.deep.equal([{ n: 3000 }]);
    expect(await t.db('auth_cohort_members').count({ n: '*' })).to.deep.equal([{ n: 3000 }]);
  });
});

describe('lectern users import', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-import-cli-'));
  const dataDir = path.join(dir, 'data');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // Always the embedded database, whatever the suite runs on.
  const open = () => createApp({ config: { dataDir, plugins: ['auth'], logLevel: 'silent', databaseUrl: undefined, redisUrl: undefined }, env: {}, cwd: dir, migrate: true, workers: false });

  it('stages and imports a file in-process, draws progress and prints the summary', async () => {
    const setup = await open();
    await setup.start();
    await setup.stop();
    const file = path.join(dir, 'people.csv');
    fs.writeFileSync(file, 'email,name,roles,cohort\nana@cli.test,Ana,learner,Crew\nbad-email,Bad,,\nben@cli.test,Ben,,Crew\n');

    const run = promisify(execFile);
    const { stdout, stderr } = await run(process.execPath, [cli, 'users', 'import', file], {
      env: { PATH: process.env.PATH, LECTERN_DATA_DIR: dataDir, LECTERN_PLUGINS: 'auth', LOG_LEVEL: 'warn' }, cwd: dir,
    });
    expect(stdout).to.equal('import 1: 2 created, 0 updated, 1 failed\n  line 3: "bad-email" is not an email address\n');
    expect(stderr).to.contain('staged 3 lines').and.to.contain(`\r[${'#'.repeat(30)}] 100% 3/3 lines\n`);
    // The import's job was written with it: had the command been interrupted, a worker would finish it.
    expect(stderr).to.match(/as import 1 \(job \S+ finishes it/);

    const check = await open();
    try {
      const users = await check.database.knex('auth_users').where('email', 'like', '%@cli.test').orderBy('id').pluck('email');
      expect(users).to.deep.equal(['ana@cli.test', 'ben@cli.test']);
      expect(await check.database.knex('auth_cohort_members').count({ n: '*' })).to.deep.equal([{ n: 2 }]);
      expect(await check.database.knex('core_jobs').where({ name: 'auth.importUsers' }).count({ n: '*' })).to.deep.equal([{ n: 1 }]);
    } finally {
      await check.stop();
    }
  });
});
