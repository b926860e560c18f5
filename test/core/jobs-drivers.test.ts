// Driver-level tests of the two job queue drivers against the QueueDriver contract: retries with
// backoff, failure, progress, pausing, listing, cron schedules across two instances, shutdown with a
// job in flight, and recovery of a job whose worker process was killed. The inline driver runs on
// PGlite always and on PostgreSQL when DATABASE_URL is set; BullMQ runs when REDIS_URL is set.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import ClientPGLite from 'knex-pglite';
import pino from 'pino';
import { Redis } from 'ioredis';
import { BullmqDriver } from '../../core/jobs/bullmq';
import { InlineDriver } from '../../core/jobs/inline';
import type { JobRunner, QueueDriver, RegisteredJob, RunMeta } from '../../core/jobs/queue';
import { createJobTables, createOutboxTable } from '../../core/jobs/schema';
import { slowJob, testJob } from './fixtures/jobs';

const log = pino({ level: process.env.JOBS_TEST_LOG ?? 'silent' });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface DriverOpts { concurrency?: number; closeTimeoutMs?: number; lockMs?: number }
interface Harness {
  /** The database jobs are written through (the inline driver's store; BullMQ's outbox). */
  db: Knex;
  /** A new driver instance over the same store, like another process; closed after each test. */
  driver(opts?: DriverOpts): QueueDriver;
  /** Empties the store between tests. */
  reset(): Promise<void>;
  /** Starts a child process running this driver's workers (kill tests); absent when not possible. */
  spawnWorker?: () => ReturnType<typeof spawn>;
}

const flaky = testJob('alpha', { name: 'alpha.flaky', attempts: 3, backoffMs: 4000 });
const doomed = testJob('alpha', { name: 'alpha.doomed', attempts: 2, backoffMs: 20 });
const work = testJob('beta', { name: 'beta.work', attempts: 1, backoffMs: 10 });
const ticking = testJob('alpha', { name: 'alpha.tick', attempts: 1, backoffMs: 10, schedule: { cron: '* * * * * *', payload: { tick: true } } });
const unscheduled = testJob('alpha', { name: 'alpha.tick', attempts: 1, backoffMs: 10 });
const mailing = testJob('beta', { name: 'beta.mail', attempts: 1, backoffMs: 10, forgetPayload: true });
const allJobs = [flaky, doomed, work, slowJob, mailing];

type Behavior = (payload: unknown, meta: RunMeta) => Promise<unknown>;
function runner(behaviors: Record<string, Behavior>): JobRunner {
  return (job: RegisteredJob, payload, meta) => {
    const behave = behaviors[job.ref.name];
    return behave ? behave(payload, meta) : Promise.reject(new Error(`no behavior for ${job.ref.name}`));
  };
}

/** A promise the test resolves when it wants a job to finish. */
function gate(): { wait: Promise<void>; open(): void } {
  let open = () => undefined as void;
  const wait = new Promise<void>((resolve) => { open = resolve; });
  return { wait, open };
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** `multiProcess`: another process can reach this driver's store (not so for PGlite, which lives inside one). */
function driverSuite(name: string, setup: () => Promise<{ harness: Harness; teardown(): Promise<void> }>, multiProcess = true) {
  describe(name, function () {
    let h: Harness;
    let teardown: () => Promise<void>;

    before(async function () {
      ({ harness: h, teardown } = await setup());
    });
    const add = async (d: QueueDriver, job: RegisteredJob, payload: unknown, opts: { delayMs?: number; createdBy?: string }) =>
      (await d.add([{ job, payload, ...opts }], h.db))[0];
    after(async () => teardown?.());
    afterEach(async () => h?.reset());

    it('retries a failing job with backoff, then stores its result', async () => {
      const d = h.driver();
      const runs: { attempt: number; at: number }[] = [];
      await d.start({
        jobs: allJobs, workers: true,
        run: runner({
          'alpha.flaky': async (payload, meta) => {
            runs.push({ attempt: meta.attempt, at: Date.now() });
            if (meta.attempt === 1) throw new Error('first run fails');
            return { ok: (payload as { n: number }).n, attempt: meta.attempt };
          },
        }),
      });
      const added = await add(d, flaky, { n: 7 }, { createdBy: 'u1' });
      expect(added).to.include({ name: 'alpha.flaky', state: 'waiting', attempts: 0, createdBy: 'u1' });
      const backingOff = await waitFor('the retry backoff', async () => {
        const info = await d.get(added.id);
        return info && info.error ? info : null;
      });
      expect(backingOff).to.include({ state: 'delayed', attempts: 1, error: 'first run fails' });
      await d.drain();
      const done = await d.get(added.id);
      expect(done).to.include({ state: 'completed', attempts: 2 });
      expect(done!.result).to.deep.equal({ ok: 7, attempt: 2 });
      expect(done!.finishedAt).to.be.a('string');
      expect(runs.map((r) => r.attempt)).to.deep.equal([1, 2]);
      expect(runs[1].at - runs[0].at).to.be.at.least(280);
    });

    it('fails a job for good after its last attempt, with the error message', async () => {
      const d = h.driver();
      await d.start({ jobs: allJobs, workers: true, run: runner({ 'alpha.doomed': async () => { throw new Error('doomed to fail'); } }) });
      const added = await add(d, doomed, {}, {});
      await d.drain();
      const info = await d.get(added.id);
      expect(info).to.include({ state: 'failed', attempts: 2, error: 'doomed to fail' });
      expect(info!.finishedAt).to.be.a('string');
      expect(info!.result).to.equal(undefined);
    });

    it('clears the payload of a job that forgets it once it succeeds', async () => {
      const d = h.driver();
      await d.start({ jobs: allJobs, workers: true, run: runner({ 'beta.mail': async () => ({ sent: 1 }) }) });
      const added = await add(d, mailing, { to: 'someone@example.test' }, {});
      expect(added.payload).to.deep.equal({ to: 'someone@example.test' });
      await d.drain();
      const info = await d.get(added.id);
      expect({ state: info?.state, payload: info?.payload, result: info?.result }).to.deep.equal({ state: 'completed', payload: {}, result: { sent: 1 } });
    });

    it('reports progress while a job runs', async () => {
      const d = h.driver();
      const release = gate();
      await d.start({
        jobs: allJobs, workers: true,
        run: runner({ 'beta.work': async (_p, meta) => { await meta.progress(40); await release.wait; await meta.progress(100); return 'ok'; } }),
      });
      const added = await add(d, work, {}, {});
      const running = await waitFor('progress 40', async () => {
        const info = await d.get(added.id);
        return info?.progress === 40 ? info : null;
      });
      expect(running.state).to.equal('active');
      release.open();
      await d.drain();
      expect(await d.get(added.id)).to.include({ state: 'completed', progress: 100, result: 'ok' });
    });

    it('holds a paused plugin\'s jobs until it is resumed', async () => {
      const d = h.driver();
      let ran = 0;
      await d.start({ jobs: allJobs, workers: true, run: runner({ 'beta.work': async () => ++ran }) });
      await d.setPaused('beta', true);
      const added = await add(d, work, {}, {});
      await sleep(400);
      expect(ran).to.equal(0);
      expect(await d.get(added.id)).to.include({ state: 'waiting' });
      expect((await d.counts()).waiting).to.equal(1);
      await d.setPaused('beta', false);
      await d.drain();
      expect(await d.get(added.id)).to.include({ state: 'completed', result: 1 });
    });

    it('lists, counts, gets and retries jobs', async () => {
      const d = h.driver();
      let doomedRuns = 0;
      await d.start({
        jobs: allJobs, workers: true,
        run: runner({ 'alpha.doomed': async () => { doomedRuns++; throw new Error('nope'); }, 'beta.work': async () => 'fine' }),
      });
      const first = await add(d, doomed, {}, { createdBy: 'u1' });
      await sleep(5);
      const second = await add(d, work, {}, { createdBy: 'u2' });
      await sleep(5);
      const third = await add(d, work, {}, { createdBy: 'u1' });
      await d.drain();

      expect(await d.counts()).to.deep.equal({ waiting: 0, active: 0, completed: 2, failed: 1, delayed: 0 });
      const page1 = await d.list({ limit: 2 });
      expect(page1.items.map((i) => i.id)).to.deep.equal([third.id, second.id]);
      expect(page1.nextCursor).to.be.a('string');
      const page2 = await d.list({ limit: 2, cursor: page1.nextCursor! });
      expect(page2.items.map((i) => i.id)).to.deep.equal([first.id]);
      expect(page2.nextCursor).to.equal(null);
      expect((await d.list({ limit: 10, state: 'failed' })).items.map((i) => i.id)).to.deep.equal([first.id]);
      expect((await d.list({ limit: 10, createdBy: 'u1' })).items.map((i) => i.id)).to.deep.equal([third.id, first.id]);
      expect((await d.list({ limit: 10, state: 'completed', createdBy: 'u2' })).items.map((i) => i.id)).to.deep.equal([second.id]);
      expect(await d.list({ limit: 10, cursor: '%%not a cursor%%' })).to.deep.equal({ items: [], nextCursor: null });

      for (const bad of ['', 'nope', '0', '-1', 'alpha:', ':1', 'zeta:1', '99999999999999999999999', "1'; drop table core_jobs; --", first.id + 'x']) {
        expect(await d.get(bad), bad).to.equal(null);
        expect(await d.retry(bad), bad).to.equal(null);
      }
      expect(await d.retry(second.id)).to.equal(null);

      const retried = await d.retry(first.id);
      expect(retried).to.include({ id: first.id, attempts: 0 });
      expect(retried!.state).to.be.oneOf(['waiting', 'active']);
      await d.drain();
      expect(await d.get(first.id)).to.include({ state: 'failed', attempts: 2, error: 'nope' });
      expect(doomedRuns).to.equal(4);
    });

    it('fires a cron schedule once per tick across two instances, and removes it when dropped', async function () {
      this.timeout(15_000);
      const runs: number[] = [];
      const run = runner({ 'alpha.tick': async (payload) => { expect(payload).to.deep.equal({ tick: true }); runs.push(Date.now()); } });
      const a = h.driver();
      const b = h.driver();
      await a.start({ jobs: [...allJobs, ticking], workers: true, run });
      await b.start({ jobs: [...allJobs, ticking], workers: true, run });
      const started = Date.now();
      await sleep(2600);
      await a.drain(3000);
      // Tick boundaries and timers race by a few ms, so the count may be off by one either way;
      // the gaps below are what proves that no tick ran twice.
      const ticks = Math.floor(Date.now() / 1000) - Math.floor(started / 1000);
      expect(runs.length, `runs at ${runs.map((t) => t % 10_000).join(', ')}`).to.be.within(Math.max(2, ticks - 1), ticks + 1);
      const gaps = runs.slice(1).map((t, i) => t - runs[i]);
      expect(Math.min(...gaps), 'no tick handled twice').to.be.above(500);

      // A process that starts without the schedule removes it; nothing fires any more.
      await a.close();
      await b.close();
      const c = h.driver();
      await c.start({ jobs: [...allJobs, unscheduled], workers: true, run });
      await c.drain(3000); // a tick claimed just before the close still runs, once
      const count = runs.length;
      await sleep(1300);
      expect(runs.length).to.equal(count);
    });

    it('lets an in-flight job finish on close()', async () => {
      const d = h.driver();
      let started = false;
      await d.start({ jobs: allJobs, workers: true, run: runner({ 'beta.work': async () => { started = true; await sleep(300); return 'finished'; } }) });
      const added = await add(d, work, {}, {});
      await waitFor('the job to start', async () => started);
      await d.close();
      expect(await h.driver().get(added.id)).to.include({ state: 'completed', result: 'finished' });
    });

    it('hands an in-flight job back when close() stops waiting, and another worker runs it', async () => {
      const d = h.driver({ closeTimeoutMs: 200 });
      const release = gate();
      let started = false;
      await d.start({ jobs: allJobs, workers: true, run: runner({ 'beta.work': async () => { started = true; await release.wait; return 'abandoned run'; } }) });
      const added = await add(d, work, {}, {});
      await waitFor('the job to start', async () => started);
      const t0 = Date.now();
      await d.close();
      expect(Date.now() - t0).to.be.below(2000);
      const other = h.driver();
      expect(await other.get(added.id)).to.include({ state: 'waiting' });
      await other.start({ jobs: allJobs, workers: true, run: runner({ 'beta.work': async () => 'second worker' }) });
      await other.drain();
      release.open();
      await sleep(50);
      expect(await other.get(added.id)).to.include({ state: 'completed', result: 'second worker' });
    });

    if (multiProcess) it('reruns the job of a worker process killed mid-job', async function () {
      this.timeout(25_000);
      if (!h.spawnWorker) this.skip(); // BullMQ without PostgreSQL: its outbox is in a PGlite of this process
      const child = h.spawnWorker();
      const stderr: string[] = [];
      child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
      const lines = readline.createInterface({ input: child.stdout! });
      const seen: string[] = [];
      lines.on('line', (line) => seen.push(line));
      try {
        await waitFor('the child worker', async () => {
          if (child.exitCode !== null) throw new Error(`child worker exited: ${stderr.join('')}`);
          return seen.includes('ready');
        }, 10_000);
        const d = h.driver({ lockMs: 1000 });
        await d.start({ jobs: allJobs, workers: false, run: runner({}) });
        const added = await add(d, slowJob, {}, {});
        await waitFor('the job to be active in the child', async () => seen.includes(`active ${added.id}`), 5000);
        expect(await d.get(added.id)).to.include({ state: 'active', attempts: 1 });
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));

        const rescuer = h.driver({ lockMs: 1000 });
        const attempts: number[] = [];
        await rescuer.start({ jobs: allJobs, workers: true, run: runner({ 'gamma.slow': async (_p, m) => { attempts.push(m.attempt); return 'recovered'; } }) });
        const done = await waitFor('the job to be recovered', async () => {
          const info = await d.get(added.id);
          return info?.state === 'completed' ? info : null;
        }, 15_000);
        expect(done).to.include({ result: 'recovered', attempts: 2 });
        expect(attempts).to.deep.equal([2]);
      } finally {
        lines.close();
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    });
  });
}

// ---- the stores ---------------------------------------------------------------------------------

function inlineHarness(makeKnex: () => Knex, resetKnex: Knex, spawnWorker?: Harness['spawnWorker']): Harness {
  let open: { driver: QueueDriver; db: Knex | null }[] = [];
  return {
    db: resetKnex,
    driver(opts = {}) {
      const db = makeKnex();
      const driver = new InlineDriver({ db, log, pollMs: 50, ...opts });
      open.push({ driver, db: db === resetKnex ? null : db });
      return driver;
    },
    async reset() {
      for (const o of open) await o.driver.close();
      for (const o of open) await o.db?.destroy();
      open = [];
      await resetKnex('core_jobs').delete();
      await resetKnex('core_job_schedules').delete();
      await resetKnex('core_job_outbox').delete();
    },
    spawnWorker,
  };
}

const fixture = (name: string) => path.join(__dirname, 'fixtures', name);

driverSuite('inline job driver on PGlite', async () => {
  const db = knexFactory({ client: ClientPGLite, dialect: 'postgres', connection: {} });
  await createJobTables(db);
  await createOutboxTable(db);
  return { harness: inlineHarness(() => db, db), teardown: () => db.destroy() };
}, false);

if (process.env.DATABASE_URL) {
  const url = process.env.DATABASE_URL;
  driverSuite('inline job driver on PostgreSQL', async () => {
    const schema = `jobs_test_${randomBytes(4).toString('hex')}`;
    const connect = () => knexFactory({ client: 'pg', connection: url, searchPath: [schema], pool: { min: 0, max: 4 } });
    const admin = connect();
    await admin.raw('CREATE SCHEMA ??', [schema]);
    await createJobTables(admin);
    await createOutboxTable(admin);
    const spawnWorker = () => spawn(process.execPath, [fixture('jobs-worker.js'), 'inline'], {
      env: { ...process.env, DATABASE_URL: url, JOBS_SCHEMA: schema }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    return {
      harness: inlineHarness(connect, admin, spawnWorker),
      async teardown() {
        await admin.raw('DROP SCHEMA ?? CASCADE', [schema]);
        await admin.destroy();
      },
    };
  });
}

describe('BullMQ job driver', function () {
  before(function () {
    if (!process.env.REDIS_URL) this.skip();
  });
  const url = process.env.REDIS_URL ?? '';
  const base = `lectern-test-${randomBytes(4).toString('hex')}`;
  let run = 0;

  driverSuite('on Redis', async () => {
    let open: QueueDriver[] = [];
    const prefix = () => `${base}-${run}`;
    // The outbox lives in the app's database: PostgreSQL when there is one (a worker process can share it), else PGlite.
    const pgUrl = process.env.DATABASE_URL;
    const schema = `jobs_test_${randomBytes(4).toString('hex')}`;
    const db = pgUrl
      ? knexFactory({ client: 'pg', connection: pgUrl, searchPath: [schema], pool: { min: 0, max: 4 } })
      : knexFactory({ client: ClientPGLite, dialect: 'postgres', connection: {} });
    if (pgUrl) await db.raw('CREATE SCHEMA ??', [schema]);
    await createOutboxTable(db);
    const harness: Harness = {
      db,
      driver(opts = {}) {
        const driver = new BullmqDriver({ redisUrl: url, db, prefix: prefix(), log, stalledIntervalMs: 1000, relayMs: 100, ...opts });
        open.push(driver);
        return driver;
      },
      async reset() {
        for (const d of open) await d.close();
        open = [];
        await db('core_job_outbox').delete();
        run++;
      },
      spawnWorker: pgUrl ? () => spawn(process.execPath, [fixture('jobs-worker.js'), 'bullmq'], {
        env: { ...process.env, REDIS_URL: url, JOBS_PREFIX: prefix(), DATABASE_URL: pgUrl, JOBS_SCHEMA: schema }, stdio: ['ignore', 'pipe', 'pipe'],
      }) : undefined,
    };
    return {
      harness,
      async teardown() {
        if (pgUrl) await db.raw('DROP SCHEMA ?? CASCADE', [schema]);
        await db.destroy();
        const redis = new Redis(url);
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${base}-*`, 'COUNT', 1000);
          if (keys.length) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
        await redis.quit();
      },
    };
  });

  it('warns about Redis settings that lose queued jobs', async () => {
    const db = knexFactory({ client: ClientPGLite, dialect: 'postgres', connection: {} });
    const d = new BullmqDriver({ redisUrl: url, db, prefix: `${base}-warn`, log });
    try {
      await d.ping();
      const warnings = await d.warnings();
      const redis = new Redis(url);
      const aof = /aof_enabled:(\d)/.exec(await redis.info('persistence'))![1];
      const policy = /maxmemory_policy:(\S+)/.exec(await redis.info('memory'))![1];
      await redis.quit();
      expect(warnings.some((w) => w.includes('appendonly yes'))).to.equal(aof !== '1');
      expect(warnings.some((w) => w.includes('noeviction'))).to.equal(policy !== 'noeviction');
    } finally {
      await d.close();
      await db.destroy();
    }
  });
});
