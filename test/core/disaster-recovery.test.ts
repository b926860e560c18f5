// Disaster recovery as docs/operations.md ("Restoring onto a fresh machine") tells an operator to do it,
// with the real `lectern` command: a system is set up (migrate, an administrator made with `user create`,
// a course and an uploaded file made over HTTP), stopped and backed up with `lectern backup`; then a new
// data directory (and, on PostgreSQL, a new database) gets the secret and `lectern restore FILE`, and
// `lectern start` serves the same system: /readyz is ready, the administrator signs in, the course and the
// file's bytes are there, and the audit trail records the restore. Loopback only; servers always killed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import knexFactory from 'knex';
import { onPostgres } from './helpers';

const cli = path.resolve(__dirname, '..', '..', 'core', 'cli.js');
const run = promisify(execFile);
const EMAIL = 'ada@example.test';
const PASSWORD = 'a long enough passphrase';

interface Server { child: ChildProcess; base: string; log: () => string }

describe('disaster recovery by the operations guide, with the lectern command', function () {
  this.timeout(240_000);
  const dirs: string[] = [];
  const databases: string[] = [];
  const servers = new Set<ChildProcess>();
  const admin = onPostgres ? knexFactory({ client: 'pg', connection: process.env.DATABASE_URL }) : undefined;

  /** A machine of its own: an empty data directory and, on PostgreSQL, a new empty database. */
  async function machine(): Promise<NodeJS.ProcessEnv> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-dr-'));
    dirs.push(dataDir);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LECTERN_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    if (admin) {
      const name = `lectern_dr_${crypto.randomBytes(4).toString('hex')}`;
      await admin.raw('create database ??', [name]);
      databases.push(name);
      const url = new URL(String(process.env.DATABASE_URL));
      url.pathname = `/${name}`;
      env.DATABASE_URL = url.toString();
    }
    return env;
  }

  const lectern = async (env: NodeJS.ProcessEnv, ...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const ok = async (env: NodeJS.ProcessEnv, ...args: string[]) => {
    const res = await lectern(env, ...args);
    expect(res.code, `lectern ${args.join(' ')}:\n${res.stdout}${res.stderr}`).to.equal(0);
    return res.stdout;
  };

  /** `lectern start` on a free port of 127.0.0.1, once it listens. */
  async function start(env: NodeJS.ProcessEnv): Promise<Server> {
    const child = spawn(process.execPath, [cli, 'start'], { env: { ...env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    servers.add(child);
    child.on('exit', () => servers.delete(child));
    let log = '';
    child.stdout?.on('data', (chunk: Buffer) => { log += chunk.toString(); });
    child.stderr?.on('data', (chunk: Buffer) => { log += chunk.toString(); });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line within 60 s:\n${log}`)), 60_000);
      child.stdout?.on('data', () => {
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
      child.on('exit', () => { clearTimeout(timer); reject(new Error(`exited before listening:\n${log}`)); });
    });
    return { child, base: `http://127.0.0.1:${port}`, log: () => log };
  }

  async function stop(server: Server): Promise<void> {
    const exit = new Promise<number | null>((resolve) => server.child.on('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exit, server.log()).to.equal(0);
  }

  async function call<T = Record<string, unknown>>(base: string, method: string, url: string, status: number, init: { token?: string; json?: unknown; body?: Buffer; headers?: Record<string, string> } = {}): Promise<T> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.Authorization = `Bearer ${init.token}`;
    if (init.json !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${base}${url}`, { method, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
    const text = await res.text();
    expect(res.status, `${method} ${url}: ${text}`).to.equal(status);
    return (text ? JSON.parse(text) : {}) as T;
  }
  const signIn = async (base: string) => (await call<{ token: string }>(base, 'POST', '/api/v1/auth/tokens', 201, { json: { email: EMAIL, password: PASSWORD } })).token;
  async function fileBytes(base: string, token: string, id: string): Promise<Buffer> {
    const res = await fetch(`${base}/api/v1/content/${id}/file`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    return Buffer.from(await res.arrayBuffer());
  }

  after(async () => {
    for (const child of servers) child.kill('SIGKILL');
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    if (admin) {
      for (const name of databases) await admin.raw('drop database if exists ?? with (force)', [name]);
      await admin.destroy();
    }
  });

  it(`restores a backup onto a fresh machine (${onPostgres ? 'PostgreSQL' : 'the embedded database'}) and serves the same system`, async () => {
    // The old machine: set up, used, stopped, backed up.
    const old = await machine();
    expect(await ok(old, 'migrate')).to.match(/^ran \d+ migration\(s\):/);
    expect(await ok(old, 'user', 'create', '--email', EMAIL, '--name', 'Ada', '--password', PASSWORD, '--role', 'admin'))
      .to.match(new RegExp(`^created user \\d+ <${EMAIL}>$`, 'm'));
    const source = await start(old);
    const token = await signIn(source.base);
    const course = await call<{ id: string }>(source.base, 'POST', '/api/v1/courses', 201, { token, json: { title: 'Fire safety', code: 'FIRE' } });
    const plan = Buffer.concat([Buffer.from('504b0304', 'hex'), crypto.randomBytes(70_000)]);
    const file = await call<{ id: string }>(source.base, 'POST', '/api/v1/content', 201, { token, json: { type: 'file', title: 'Floor plan' } });
    await call(source.base, 'PUT', `/api/v1/content/${file.id}/file`, 200, {
      token, body: plan, headers: { 'Content-Type': 'application/zip', 'Content-Disposition': 'attachment; filename="plan.zip"' },
    });
    await stop(source);

    const made = await ok(old, 'backup');
    const backupFile = /^backup written: (.+)$/m.exec(made)?.[1] ?? '';
    const sha256 = /^sha256: ([0-9a-f]{64})$/m.exec(made)?.[1];
    expect(made).to.match(/^size: \S+ (KB|MB|bytes) \(\d+ bytes\)$/m);
    expect(crypto.createHash('sha256').update(fs.readFileSync(backupFile)).digest('hex'), 'sha256sum FILE').to.equal(sha256);

    // The new machine. Step 1: the same plugins (the default ones here) and the old secret file.
    const fresh = await machine();
    const copy = path.join(String(fresh.LECTERN_DATA_DIR), 'lectern-backup.jsonl.gz');
    fs.copyFileSync(backupFile, copy);
    fs.copyFileSync(path.join(String(old.LECTERN_DATA_DIR), 'secret'), path.join(String(fresh.LECTERN_DATA_DIR), 'secret'));
    // Step 2 made the empty data directory (and database). Step 3: restore.
    const restored = await lectern(fresh, 'restore', copy);
    expect(restored.code, restored.stdout + restored.stderr).to.equal(0);
    expect(restored.stdout).to.match(/^restored lectern-backup\.jsonl\.gz \(made \S+ by Lectern \S+\): \d+ tables, \d+ rows, 1 files\n$/);
    const again = await lectern(fresh, 'restore', copy);
    expect([again.code, again.stderr]).to.deep.equal([1, `${/LECTERN_RESTORE_REFUSED: .*Nothing was changed\./.exec(again.stderr)?.[0]}\n`]);

    // Step 4: start, check readiness, sign in with an account from the backup.
    const target = await start(fresh);
    expect(await call(target.base, 'GET', '/readyz', 200)).to.deep.equal({ db: 'ok', queue: 'ok' });
    const back = await signIn(target.base);
    const courses = await call<{ items: { id: string; title: string }[] }>(target.base, 'GET', '/api/v1/courses', 200, { token: back });
    expect(courses.items.map((c) => [c.id, c.title])).to.deep.equal([[course.id, 'Fire safety']]);
    expect(Buffer.compare(await fileBytes(target.base, back, file.id), plan)).to.equal(0);
    const audit = await call<{ items: { action: string }[] }>(target.base, 'GET', '/api/v1/audit?action=maintenance.restore', 200, { token: back });
    expect(audit.items.map((a) => a.action)).to.deep.equal(['maintenance.restore']);
    expect(target.log()).to.not.contain('first administrator');
    await stop(target);
  });
});
