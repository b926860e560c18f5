// The kernel's durability promises, each tested by breaking the world the way production breaks it: a
// process killed right after a commit (its 202 job and durable delivery still happen, once), a disabled
// subscriber (its deliveries wait, then all run), Redis stopped (requests that enqueue still answer at
// once, and their jobs run when it is back; /readyz says so; shutdown does not hang), Redis losing its
// keys (schedules come back by themselves), and plugin dependencies enforced at run time (API and CLI).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import supertest from 'supertest';
import { createApp, createTestApp, type TestApp } from 'lectern';
import { durableA, durableB, durableCron, effects, happened, tick, work } from './fixtures/durable/plugins';
import { eventually, onPostgres, onRedis } from './helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fixture = (name: string) => path.join(__dirname, 'fixtures', 'durable', name);
const cli = path.resolve(__dirname, '..', '..', 'core', 'cli.js');

/** Milliseconds `fn` took, with its result. */
async function timed<T>(fn: () => PromiseLike<T>): Promise<{ ms: number; value: T }> {
  const t0 = Date.now();
  const value = await fn();
  return { ms: Date.now() - t0, value };
}

describe('durability: a process killed right after its commit', function () {
  this.timeout(60_000);
  let first: TestApp | undefined;
  let second: TestApp | undefined;
  before(function () {
    if (!onPostgres) this.skip(); // the child process needs a database it can share (PGlite lives inside one process)
  });
  after(async () => {
    await second?.close();
    await first?.close();
  });

  /** Runs the crash fixture on `t`'s schema and queue prefix; resolves with the job id it printed. */
  async function crashChild(t: TestApp, key: string): Promise<string> {
    const child = spawn(process.execPath, [fixture('crash.js')], {
      env: { ...process.env, DURABLE_SCHEMA: t.schema, DURABLE_PREFIX: t.app.config.jobs.prefix, DURABLE_KEY: key },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const lines: string[] = [];
    readline.createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    expect(signal, `the child died by its own SIGKILL (exit ${code}): ${stderr}`).to.equal('SIGKILL');
    const id = lines.map((l) => /^job (\S+)$/.exec(l)?.[1]).find(Boolean);
    expect(id, `a job id in ${JSON.stringify(lines)}`).to.be.a('string');
    return id as string;
  }

  it('still runs the 202\'s job and the durable delivery, each exactly once', async () => {
    first = await createTestApp({ plugins: [durableA, durableB], workers: false });
    const jobId = await crashChild(first, 'crash-1');
    expect(await first.db('durable_a_changes').pluck('key')).to.deep.equal(['crash-1']);

    second = await createTestApp({ plugins: [durableA, durableB], shareWith: first });
    const t = second;
    await eventually(async () => (await t.app.jobs.get(jobId))?.state === 'completed', 20_000);
    await t.jobs.drain(20_000);
    expect(await t.app.jobs.get(jobId)).to.deep.include({ name: work.name, state: 'completed', result: { done: 'crash-1' } });
    await sleep(300);
    expect({ work: await effects(t, 'work', 'crash-1'), delivery: await effects(t, 'b', 'crash-1') }).to.deep.equal({ work: 1, delivery: 1 });
  });
});

describe('durability: a disabled subscriber\'s backlog', function () {
  this.timeout(60_000);
  let t: TestApp;
  before(async () => { t = await createTestApp({ plugins: [durableA, durableB] }); });
  after(async () => t?.close());

  const delivery = `durable-b.on.${happened.name}`;
  const waitingDeliveries = async () => (await t.app.jobs.list({ limit: 100 })).items.filter((j) => j.name === delivery && j.state === 'waiting').length;

  it('waits while the plugin is disabled, then runs every delivery once when it is enabled', async () => {
    const admin = await t.persona('root', 'admin');
    expect((await admin.patch('/api/v1/plugins/durable-b').send({ enabled: false })).status).to.equal(200);
    await eventually(async () => !t.app.isEnabled('durable-b'));
    for (const key of ['b1', 'b2', 'b3']) await t.emit(happened, { key, jobId: '' });
    await sleep(800);
    expect(await effects(t, 'b')).to.equal(0);
    expect(await waitingDeliveries()).to.equal(3);

    expect((await admin.patch('/api/v1/plugins/durable-b').send({ enabled: true })).status).to.equal(200);
    await eventually(async () => t.app.isEnabled('durable-b'));
    await t.jobs.drain(20_000);
    for (const key of ['b1', 'b2', 'b3']) expect(await effects(t, 'b', key), key).to.equal(1);
  });
});

/** A port nobody listens on (127.0.0.1). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A private, empty, non-persistent redis-server on `port`, ready for commands. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await eventually(async () => probe.connect().then(() => true, () => false), 10_000, 50);
  } finally {
    probe.disconnect();
  }
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('durability: Redis stopped', function () {
  this.timeout(90_000);
  let port: number;
  let redis: ChildProcess | undefined;
  before(async function () {
    if (!onRedis) this.skip();
    port = await freePort();
    redis = await startRedis(port);
  });
  after(async () => { if (redis) await stopRedis(redis); });

  it('answers requests that enqueue within a second, and runs their jobs once Redis is back', async () => {
    const t = await createTestApp({ plugins: ['auth', durableA], config: { redisUrl: `redis://127.0.0.1:${port}`, jobs: { relayMs: 200 } } });
    try {
      const user = await t.persona('reset-me');
      await stopRedis(redis as ChildProcess);

      const job = await timed(() => t.post('/api/v1/durable-a/work').send({ key: 'outage' }));
      expect(job.value.status, JSON.stringify(job.value.body)).to.equal(202);
      expect(job.ms, 'the 202 route').to.be.below(1000);
      const reset = await timed(() => t.post('/api/v1/auth/password-reset').send({ email: `${user.name}@example.test` }));
      expect(reset.value.status).to.equal(202);
      expect(reset.ms, 'password reset').to.be.below(1000);
      const ready = await timed(() => t.get('/readyz'));
      expect(ready.value.status).to.equal(503);
      expect(ready.ms, '/readyz').to.be.below(3000);
      const jobId = String(job.value.body.job.id);
      expect(await t.app.jobs.get(jobId)).to.include({ state: 'waiting' });
      expect(Number((await t.db('core_job_outbox').count({ n: '*' }))[0].n)).to.equal(2);

      redis = await startRedis(port);
      const after = await eventually(async () => (await t.app.jobs.get(jobId))?.state === 'completed'
        && Number((await t.db('core_job_outbox').count({ n: '*' }))[0].n) === 0, 15_000);
      await t.jobs.drain(15_000);
      expect(after).to.be.below(15_000);
      expect(await effects(t, 'work', 'outage')).to.equal(1);
      const mails = (await t.app.jobs.list({ limit: 20 })).items.filter((j) => j.name === 'core.sendMail');
      expect(mails.map((m) => m.state)).to.deep.equal(['completed']);
      expect((await t.get('/readyz')).status).to.equal(200);
    } finally {
      await t.close();
    }
  });

  it('stops within a bound while Redis is down', async function () {
    this.timeout(30_000);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-redis-down-'));
    const app = await createApp({
      config: { dataDir, databaseUrl: undefined, redisUrl: `redis://127.0.0.1:${port}`, plugins: [], logLevel: 'silent', jobs: { prefix: `down${port}` } },
      env: {}, plugins: [durableA, durableB], migrate: true, ephemeralSecret: true, logger: pino({ level: 'silent' }),
    });
    try {
      await app.start();
      await stopRedis(redis as ChildProcess);
      const ready = await timed(() => supertest(app.http.callback()).get('/readyz'));
      expect(ready.value.status).to.equal(503);
      expect(ready.ms).to.be.below(3000);
      const stop = await timed(() => app.stop());
      expect(stop.ms, 'app.stop() with Redis down').to.be.below(5000);
    } finally {
      redis = await startRedis(port);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('durability: schedules lost from Redis', function () {
  this.timeout(30_000);
  let t: TestApp | undefined;
  before(function () {
    if (!onRedis) this.skip();
  });
  after(async () => t?.close());

  it('restores a cron schedule without a restart', async () => {
    t = await createTestApp({ plugins: [durableCron], config: { jobs: { scheduleCheckMs: 200 } } });
    const prefix = t.app.config.jobs.prefix;
    const redis = new Redis(String(process.env.REDIS_URL), { maxRetriesPerRequest: 1 });
    const queue = new Queue('durable-cron', { connection: redis, prefix });
    try {
      expect(await queue.getJobScheduler(tick.name), 'scheduled at start').to.not.equal(undefined);
      const keys = await redis.keys(`${prefix}:*`);
      expect(keys).to.not.deep.equal([]);
      await redis.del(...keys);
      expect(await redis.keys(`${prefix}:*`)).to.deep.equal([]);
      const took = await eventually(async () => Boolean(await queue.getJobScheduler(tick.name)), 5000);
      expect(took).to.be.below(5000);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});

describe('durability: plugin dependencies at run time', function () {
  this.timeout(120_000);

  it('refuses over the API to disable a plugin another depends on, and to enable one whose dependency is off', async () => {
    const t = await createTestApp({ plugins: [durableA, durableB] });
    try {
      const admin = await t.persona('root', 'admin');
      const patch = (name: string, enabled: boolean) => admin.patch(`/api/v1/plugins/${name}`).send({ enabled });
      const disableA = await patch('durable-a', false);
      expect(disableA.status).to.equal(409);
      expect(disableA.body.detail).to.equal('"durable-b" depends on plugin "durable-a"; disable it first');
      expect((await patch('durable-b', false)).status).to.equal(200);
      expect((await patch('durable-a', false)).status).to.equal(200);
      const enableB = await patch('durable-b', true);
      expect(enableB.status).to.equal(409);
      expect(enableB.body.detail).to.equal('plugin "durable-b" depends on "durable-a", which is disabled; enable it first');
    } finally {
      await t.close();
    }
  });

  describe('the lectern plugins command', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-deps-cli-'));
    // Always the embedded database (it is what a running server locks), whatever the suite runs on.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LECTERN_DATA_DIR: path.join(dir, 'data'), LECTERN_PLUGINS: 'auth,courses', LOG_LEVEL: 'warn' };
    const servers: ChildProcess[] = [];
    after(() => {
      for (const s of servers) if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const lectern = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { env, cwd: dir });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    };

    it('prints the dependency conflict and exits 1', async () => {
      expect((await lectern('migrate')).code).to.equal(0);
      const disableAuth = await lectern('plugins', 'disable', 'auth');
      expect(disableAuth.code).to.equal(1);
      expect(disableAuth.stderr).to.contain('"courses" depends on plugin "auth"; disable it first');
      expect(await lectern('plugins', 'disable', 'courses')).to.include({ code: 0, stdout: 'courses disabled\n' });
      expect(await lectern('plugins', 'disable', 'auth')).to.include({ code: 0, stdout: 'auth disabled\n' });
      const enableCourses = await lectern('plugins', 'enable', 'courses');
      expect(enableCourses.code).to.equal(1);
      expect(enableCourses.stderr).to.contain('plugin "courses" depends on "auth", which is disabled; enable it first');
      expect(await lectern('plugins', 'enable', 'auth')).to.include({ code: 0, stdout: 'auth enabled\n' });
    });

    it('says to ask the running server while an embedded server holds the data directory', async () => {
      const server = spawn(process.execPath, [cli, 'start'], { env: { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }, cwd: dir });
      servers.push(server);
      let log = '';
      server.stdout.on('data', (c: Buffer) => { log += c.toString(); });
      server.stderr.on('data', (c: Buffer) => { log += c.toString(); });
      await eventually(async () => {
        if (server.exitCode !== null) throw new Error(`the server exited:\n${log}`);
        return /listening on http/.test(log);
      }, 60_000);
      const refused = await lectern('plugins', 'disable', 'courses');
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.contain('While it runs, ask the server instead: as an administrator, PATCH /api/v1/plugins/courses with {"enabled": false}');
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      expect(await exited).to.equal(0);
    });
  });
});
