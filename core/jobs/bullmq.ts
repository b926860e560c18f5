// The BullMQ queue driver, used when REDIS_URL is set: one BullMQ queue per plugin (so a disabled
// plugin's queue can be paused), workers in any number of processes, cron schedules as BullMQ job
// schedulers (one job per tick across all processes). A killed worker's job reruns after the stalled
// check (lockMs / stalledIntervalMs): delivery is at-least-once.
// Jobs are enqueued into a transactional outbox (core_job_outbox) in the caller's transaction and
// relayed to Redis after the commit by every process (at least once; the outbox id is the BullMQ job id,
// so a second relay adds nothing). A request never waits on Redis, and a crash or a Redis outage between
// commit and relay only delays the job. Schedules are checked periodically and restored if Redis lost them.
import { randomUUID } from 'node:crypto';
import { Queue, WaitingError, Worker, type Job, type JobsOptions, type JobType } from 'bullmq';
import { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { JobInfo, JobRef } from '../plugin';
import { afterCommit } from '../sync';
import { clampPercent, errorMessage, withTimeout } from './inline';
import {
  drainByCounts, type JobListFilter, type JobPage, type JobRunner, type JobState, type NewJob, type QueueDriver, type RegisteredJob,
} from './queue';

export interface BullmqDriverOptions {
  redisUrl: string;
  /** The app's database, which holds the outbox. */
  db: Knex;
  /** How often every process relays outbox rows left behind (default 1 s; each commit also relays at once). */
  relayMs?: number;
  /** How often schedules are checked and restored when Redis lost them (default 60 s). */
  scheduleCheckMs?: number;
  /** Prefix of every Redis key (BullMQ's `prefix`). */
  prefix: string;
  log: Logger;
  /** Lock of a running job, renewed while it runs (BullMQ lockDuration, default 30 s). */
  lockMs?: number;
  /** How often workers look for jobs whose worker died (default 30 s). Use the same value everywhere. */
  stalledIntervalMs?: number;
  /** Jobs run at once per plugin queue by this process (default 4). */
  concurrency?: number;
  /** How long close() waits for running jobs before handing them back (default 10 s). */
  closeTimeoutMs?: number;
}

/** What we store as BullMQ job data. */
interface JobData { payload: unknown; createdBy: string | null }
type BullJob = Job<JobData, unknown, string>;
type BullQueue = Queue<JobData, unknown, string>;
interface Running { handBack(): Promise<void> }
interface OutboxRow { id: string; name: string; plugin: string; payload: unknown; created_by: string | null; created_at: Date | string; delay_ms: number }

/** BullMQ's job types behind each of our states. */
const BULL_TYPES: Record<JobState, JobType[]> = {
  waiting: ['waiting', 'prioritized', 'waiting-children'],
  active: ['active'],
  completed: ['completed'],
  failed: ['failed'],
  delayed: ['delayed'],
};
const STATES = Object.keys(BULL_TYPES) as JobState[];
const PLUGIN_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const PING_TIMEOUT_MS = 2000;
const RELAY_BATCH = 500;
/** A relay or schedule check that Redis does not answer in time is given up, and tried again later. */
const REDIS_TIMEOUT_MS = 3000;
const OUTBOX_COLUMNS = ['id', 'name', 'plugin', 'payload', 'created_by', 'created_at'];
const OUTBOX_DELAY = `greatest(0, extract(epoch from (run_at - now())) * 1000)::float8 AS delay_ms`;

export class BullmqDriver implements QueueDriver {
  readonly name = 'bullmq' as const;
  private readonly opts: Required<BullmqDriverOptions>;
  private readonly log: Logger;
  private readonly conn: Redis;
  private readonly queues = new Map<string, BullQueue>();
  private readonly workers: { worker: Worker<JobData, unknown, string>; conn: Redis }[] = [];
  private readonly running = new Map<string, Running>();
  private jobs = new Map<string, RegisteredJob>();
  private run: JobRunner | null = null;
  private readonly db: Knex;
  private timers: NodeJS.Timeout[] = [];
  private relaying: Promise<void> | undefined;
  private relayAgain = false;

  constructor(opts: BullmqDriverOptions) {
    this.opts = {
      ...opts, lockMs: opts.lockMs ?? 30_000, stalledIntervalMs: opts.stalledIntervalMs ?? 30_000,
      concurrency: opts.concurrency ?? 4, closeTimeoutMs: opts.closeTimeoutMs ?? 10_000,
      relayMs: opts.relayMs ?? 1000, scheduleCheckMs: opts.scheduleCheckMs ?? 60_000,
    };
    this.log = opts.log;
    this.db = opts.db;
    // Not a worker's blocking connection: a command fails soon while Redis is down instead of waiting for it.
    this.conn = this.connect('queue', 1);
  }

  // ---- storing and reading jobs ---------------------------------------------------------------

  async add(jobs: readonly NewJob[], db: Knex): Promise<JobInfo[]> {
    const rows = jobs.map((j) => ({
      id: randomUUID(), name: j.job.ref.name, plugin: j.job.plugin, payload: JSON.stringify(j.payload ?? null),
      created_by: j.createdBy ?? null, run_at: db.raw(`now() + ?::float8 * interval '1 millisecond'`, [Math.max(0, Number(j.delayMs) || 0)]),
    }));
    const stored: OutboxRow[] = await db('core_job_outbox').insert(rows).returning([...OUTBOX_COLUMNS, db.raw(OUTBOX_DELAY)]);
    await afterCommit(db, () => this.relay());
    return stored.map(outboxInfo);
  }

  async get(id: string): Promise<JobInfo | null> {
    const colon = id.indexOf(':');
    const waiting: OutboxRow | undefined = colon > 0
      ? await this.db('core_job_outbox').where({ plugin: id.slice(0, colon), id: id.slice(colon + 1) }).first([...OUTBOX_COLUMNS, this.db.raw(OUTBOX_DELAY)])
      : undefined;
    if (waiting) return outboxInfo(waiting);
    const found = await this.find(id);
    if (!found) return null;
    const { plugin, queue, jobId } = found;
    // State and data are two reads: retry until the state is the same on both sides of the data.
    for (let tries = 0; ; tries++) {
      const before = await queue.getJobState(jobId);
      const job = await queue.getJob(jobId);
      const state = toState(await queue.getJobState(jobId));
      if (!job || !state) return null;
      if (state === toState(before) || tries === 3) return toInfo(plugin, job, state);
    }
  }

  async list(filter: JobListFilter): Promise<JobPage> {
    const limit = Math.min(Math.max(Math.floor(filter.limit), 1), 1000);
    const after = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
    if (filter.cursor !== undefined && !after) return { items: [], nextCursor: null };
    const items: JobInfo[] = [];
    if (!filter.state || filter.state === 'waiting' || filter.state === 'delayed') {
      const q = this.db('core_job_outbox').select([...OUTBOX_COLUMNS, this.db.raw(OUTBOX_DELAY)]).orderBy('created_at', 'desc').limit(1000);
      if (filter.createdBy !== undefined) q.where('created_by', filter.createdBy);
      items.push(...(await q as OutboxRow[]).map(outboxInfo).filter((i) => !filter.state || i.state === filter.state));
    }
    for (const [plugin, q] of this.queues) {
      for (const state of filter.state ? [filter.state] : STATES) {
        for (const job of await q.getJobs(BULL_TYPES[state])) {
          if (!job || isUpcomingTick(job, state)) continue;
          if (filter.createdBy !== undefined && job.data.createdBy !== filter.createdBy) continue;
          items.push(toInfo(plugin, job, state));
        }
      }
    }
    // Newest first: by creation time, then id, which is also the cursor's order.
    const key = (i: JobInfo): [number, string] => [Date.parse(i.createdAt), i.id];
    const page = items.sort((a, b) => compareKeys(key(b), key(a)))
      .filter((i) => !after || compareKeys(key(i), after) < 0)
      .slice(0, limit + 1);
    const shown = page.slice(0, limit);
    return { items: shown, nextCursor: page.length > limit ? encodeCursor(key(shown[shown.length - 1])) : null };
  }

  async retry(id: string): Promise<JobInfo | null> {
    const found = await this.find(id);
    const job = found && await found.queue.getJob(found.jobId);
    if (!job || (await job.getState()) !== 'failed') return null;
    await job.updateProgress(0);
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return toInfo(found.plugin, job, 'waiting');
  }

  async remove(id: string): Promise<'removed' | 'active' | null> {
    const colon = id.indexOf(':');
    if (colon > 0 && await this.db('core_job_outbox').where({ plugin: id.slice(0, colon), id: id.slice(colon + 1) }).delete()) return 'removed';
    const found = await this.find(id);
    const job = found && await found.queue.getJob(found.jobId);
    if (!job) return null;
    if ((await job.getState()) === 'active') return 'active';
    // A job a worker took since is locked: BullMQ refuses, and it is running.
    return job.remove().then(() => 'removed' as const, () => 'active' as const);
  }

  async counts(): Promise<Record<JobState, number>> {
    const out: Record<JobState, number> = { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 };
    const { rows } = await this.db.raw<{ rows: { delayed: boolean; n: number }[] }>(
      'SELECT run_at > now() AS delayed, count(*)::int AS n FROM core_job_outbox GROUP BY 1');
    for (const r of rows) out[r.delayed ? 'delayed' : 'waiting'] += r.n;
    for (const q of this.queues.values()) {
      const c = await q.getJobCounts(...STATES.flatMap((s) => BULL_TYPES[s]));
      for (const s of STATES) out[s] += BULL_TYPES[s].reduce((n, t) => n + (c[t] ?? 0), 0);
      out.delayed -= await this.upcomingTicks(q);
    }
    return out;
  }

  /** `Queue.clean` by finish time, on every plugin queue this process knows (all plugins with jobs, from start on). */
  async prune(finishedBefore: Date): Promise<number> {
    const grace = Date.now() - finishedBefore.getTime();
    let removed = 0;
    for (const q of this.queues.values()) {
      for (const state of ['completed', 'failed'] as const) removed += (await q.clean(grace, 0, state)).length;
    }
    return removed;
  }

  async setPaused(plugin: string, paused: boolean): Promise<void> {
    const q = this.queue(plugin);
    if (paused) await q.pause();
    else await q.resume();
  }

  drain(timeoutMs = 10_000): Promise<void> {
    return drainByCounts(() => this.counts(), timeoutMs);
  }

  /** Bounded: while Redis is down, commands wait for the reconnect instead of failing. */
  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer PING within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.conn.ping(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async warnings(): Promise<string[]> {
    const field = (info: string, key: string) => new RegExp(`^${key}:(.*)$`, 'm').exec(info)?.[1]?.trim();
    const out: string[] = [];
    if (field(await this.conn.info('persistence'), 'aof_enabled') !== '1') {
      out.push('Redis runs without append-only persistence (aof_enabled:0): every queued job is LOST when Redis '
        + 'restarts. Set `appendonly yes` in redis.conf (or run `CONFIG SET appendonly yes` then `CONFIG REWRITE`).');
    }
    const policy = field(await this.conn.info('memory'), 'maxmemory_policy');
    if (policy && policy !== 'noeviction') {
      out.push(`Redis maxmemory-policy is "${policy}": when memory fills up Redis EVICTS queued jobs. Set `
        + '`maxmemory-policy noeviction` in redis.conf (or `CONFIG SET maxmemory-policy noeviction` then `CONFIG REWRITE`).');
    }
    return out;
  }

  // ---- schedules and workers ------------------------------------------------------------------

  async start(opts: { jobs: RegisteredJob[]; run: JobRunner; workers: boolean }): Promise<void> {
    this.jobs = new Map(opts.jobs.map((j) => [j.ref.name, j]));
    await this.guarded('schedules', () => this.syncSchedules());
    this.relay();
    this.timers = [
      setInterval(() => this.relay(), this.opts.relayMs),
      setInterval(() => void this.guarded('schedule check', () => this.restoreSchedules()), this.opts.scheduleCheckMs),
    ];
    for (const t of this.timers) t.unref();
    if (!opts.workers) return;
    this.run = opts.run;
    for (const plugin of new Set(opts.jobs.map((j) => j.plugin))) this.startWorker(plugin);
  }

  /** Upserts every schedule and removes schedulers whose job no longer has one. */
  private async syncSchedules(): Promise<void> {
    for (const j of this.scheduled()) await this.upsertSchedule(j);
    for (const plugin of new Set([...this.jobs.values()].map((j) => j.plugin))) {
      const q = this.queue(plugin);
      for (const s of await q.getJobSchedulers(0, -1)) {
        const id = s.id ?? s.key;
        if (!this.jobs.get(id)?.ref.schedule) await q.removeJobScheduler(id);
      }
    }
  }

  /** Puts back the schedules Redis no longer has (restarted without persistence, flushed). */
  private async restoreSchedules(): Promise<void> {
    for (const j of this.scheduled()) {
      if (await this.queue(j.plugin).getJobScheduler(j.ref.name)) continue;
      await this.upsertSchedule(j);
      this.log.warn({ job: j.ref.name }, 'job schedule was missing from Redis; restored');
    }
  }

  private scheduled(): RegisteredJob[] {
    return [...this.jobs.values()].filter((j) => j.ref.schedule);
  }

  private async upsertSchedule(j: RegisteredJob): Promise<void> {
    const schedule = j.ref.schedule as NonNullable<JobRef['schedule']>;
    await this.queue(j.plugin).upsertJobScheduler(j.ref.name, { pattern: schedule.cron }, {
      name: j.ref.name, data: { payload: schedule.payload ?? null, createdBy: null }, opts: jobOptions(j.ref),
    });
  }

  /** Runs a Redis task with a deadline; a failure is logged and left to the next periodic run. */
  private async guarded(what: string, task: () => Promise<void>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
    });
    try {
      await Promise.race([task(), deadline]);
      return true;
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, `job queue: ${what} failed; will retry`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Relays the outbox now (coalesced: one relay at a time per process, another right after if asked). */
  private relay(): void {
    if (this.relaying) {
      this.relayAgain = true;
      return;
    }
    this.relaying = (async () => {
      do {
        this.relayAgain = false;
        let moved = RELAY_BATCH;
        while (moved === RELAY_BATCH) {
          moved = 0;
          const ok = await this.guarded('outbox relay', async () => { moved = await this.relayBatch(); });
          if (!ok) return;
        }
      } while (this.relayAgain);
    })().finally(() => { this.relaying = undefined; });
  }

  /**
   * Adds the oldest outbox rows to their queues, then deletes them. No lock is held while Redis works:
   * two processes relaying one row add it once (the job id), and a row whose delete is lost is re-added as nothing.
   */
  private async relayBatch(): Promise<number> {
    const rows: OutboxRow[] = await this.db('core_job_outbox').select([...OUTBOX_COLUMNS, this.db.raw(OUTBOX_DELAY)])
      .whereIn('name', [...this.jobs.keys()]).orderBy('created_at').limit(RELAY_BATCH);
    if (!rows.length) return 0;
    const byPlugin = new Map<string, OutboxRow[]>();
    for (const row of rows) byPlugin.set(row.plugin, [...(byPlugin.get(row.plugin) ?? []), row]);
    await Promise.all([...byPlugin].map(([plugin, list]) => this.queue(plugin).addBulk(list.map((row) => ({
      name: row.name,
      data: { payload: row.payload, createdBy: row.created_by },
      opts: { ...jobOptions((this.jobs.get(row.name) as RegisteredJob).ref), jobId: row.id, delay: Math.round(row.delay_ms) },
    })))));
    await this.db('core_job_outbox').whereIn('id', rows.map((r) => r.id)).delete();
    return rows.length;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.relaying;
    if (this.conn.status !== 'ready') return this.abandon();
    const closing = this.workers.map((w) => w.worker.close());
    if (!(await withTimeout(Promise.all(closing), this.opts.closeTimeoutMs))) {
      await Promise.all([...this.running.values()].map((r) => r.handBack()));
      await Promise.all(closing);
    }
    await Promise.all(this.workers.map((w) => w.conn.quit().catch(() => w.conn.disconnect())));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.conn.quit().catch(() => this.conn.disconnect());
  }

  /** Closes without Redis (unreachable: every graceful close would wait for a reply); running jobs rerun after the stalled check. */
  private async abandon(): Promise<void> {
    await withTimeout(Promise.all(this.workers.map((w) => w.worker.close(true))), REDIS_TIMEOUT_MS);
    for (const w of this.workers) w.conn.disconnect();
    await withTimeout(Promise.all([...this.queues.values()].map((q) => q.close())), REDIS_TIMEOUT_MS);
    this.conn.disconnect();
  }

  private startWorker(plugin: string): void {
    const conn = this.connect(`worker ${plugin}`);
    const worker = new Worker<JobData, unknown, string>(plugin, (job, token) => this.process(plugin, job, token), {
      connection: conn, prefix: this.opts.prefix, concurrency: this.opts.concurrency,
      lockDuration: this.opts.lockMs, stalledInterval: this.opts.stalledIntervalMs,
    });
    worker.on('error', (err) => this.log.error({ err, plugin }, 'job worker error'));
    worker.on('failed', (job, err) => {
      if (job && err.name !== 'WaitingError') this.log.warn({ id: `${plugin}:${job.id}`, job: job.name, attempt: job.attemptsStarted, err: err.message }, 'job failed');
    });
    this.workers.push({ worker, conn });
  }

  /** The BullMQ processor: runs the job, or gives it back to the queue when close() stops waiting. */
  private async process(plugin: string, job: BullJob, token: string | undefined): Promise<unknown> {
    const registered = this.jobs.get(job.name);
    if (!registered || !this.run) throw new Error(`no handler for job "${job.name}" in this process`);
    const id = `${plugin}:${job.id}`;
    let handedBack = false;
    const givenBack = new Promise<never>((_resolve, reject) => {
      this.running.set(id, {
        handBack: async () => {
          handedBack = true;
          try {
            await job.moveToWait(token);
            this.log.warn({ id }, 'job still running at shutdown; handed back to the queue');
          } catch (err) {
            this.log.error({ err, id }, 'could not hand a running job back; it reruns after the stalled check');
          }
          reject(new WaitingError());
        },
      });
    });
    const meta = {
      jobId: id,
      attempt: job.attemptsStarted,
      progress: async (percent: number) => {
        if (!handedBack) await job.updateProgress(clampPercent(percent));
      },
    };
    try {
      const result = await Promise.race([this.run(registered, job.data.payload, meta), givenBack]);
      // Clearing is bookkeeping: failing at it must not fail (and so repeat) a job whose effect happened.
      if (registered.ref.forgetPayload) {
        await job.updateData({ ...job.data, payload: {} }).catch((err: unknown) => this.log.warn({ err: errorMessage(err), id }, 'job payload not cleared'));
      }
      return JSON.parse(JSON.stringify(result) ?? 'null') as unknown;
    } finally {
      this.running.delete(id);
    }
  }

  private queue(plugin: string): BullQueue {
    let q = this.queues.get(plugin);
    if (!q) {
      q = new Queue<JobData, unknown, string>(plugin, { connection: this.conn, prefix: this.opts.prefix });
      q.on('error', (err) => this.log.error({ err, plugin }, 'job queue error'));
      this.queues.set(plugin, q);
    }
    return q;
  }

  /** Parses `<plugin>:<bullmq id>`; null for malformed ids and unknown jobs. */
  private async find(id: string): Promise<{ plugin: string; queue: BullQueue; jobId: string } | null> {
    const colon = id.indexOf(':');
    const plugin = id.slice(0, colon);
    const jobId = id.slice(colon + 1);
    if (colon < 1 || !PLUGIN_NAME.test(plugin) || jobId === '' || jobId.length > 200) return null;
    // Only open a queue for a plugin when the job exists, so made-up ids cannot grow the queue map.
    if (!this.queues.has(plugin) && !(await this.conn.exists(`${this.opts.prefix}:${plugin}:${jobId}`))) return null;
    return { plugin, queue: this.queue(plugin), jobId };
  }

  /** Delayed jobs that are a schedule's next tick, not yet a job anyone asked for (the inline driver has none). */
  private async upcomingTicks(q: BullQueue): Promise<number> {
    const ids = (await q.getRanges(['delayed'], 0, -1)).filter((id) => id.startsWith('repeat:'));
    const jobs = await Promise.all(ids.map((id) => q.getJob(id)));
    return jobs.filter((j) => j && isUpcomingTick(j, 'delayed')).length;
  }

  /** Workers need `maxRetriesPerRequest: null` (they block); the queue connection fails fast instead. */
  private connect(role: string, maxRetriesPerRequest: number | null = null): Redis {
    const conn = new Redis(this.opts.redisUrl, { maxRetriesPerRequest });
    conn.on('error', (err: Error) => this.log.warn({ err: errorMessage(err), role }, 'redis connection error'));
    return conn;
  }
}

/** A job still in the outbox: committed, on its way to Redis. */
function outboxInfo(row: OutboxRow): JobInfo {
  return {
    id: `${row.plugin}:${row.id}`, name: row.name, state: row.delay_ms > 0 ? 'delayed' : 'waiting', progress: 0,
    attempts: 0, createdBy: row.created_by, createdAt: new Date(row.created_at).toISOString(), payload: row.payload,
  };
}

function jobOptions(ref: JobRef): JobsOptions {
  return {
    attempts: Math.max(1, ref.attempts),
    backoff: { type: 'exponential', delay: Math.max(0, ref.backoffMs) },
  };
}

function toState(bullState: string): JobState | null {
  return STATES.find((s) => (BULL_TYPES[s] as string[]).includes(bullState)) ?? null;
}

function isUpcomingTick(job: BullJob, state: JobState): boolean {
  return state === 'delayed' && Boolean(job.repeatJobKey) && !job.attemptsStarted;
}

function toInfo(plugin: string, job: BullJob, state: JobState): JobInfo {
  const info: JobInfo = {
    id: `${plugin}:${job.id}`, name: job.name, state,
    // A finished job is done, whatever its handler last reported.
    progress: state === 'completed' ? 100 : typeof job.progress === 'number' ? clampPercent(job.progress) : 0,
    attempts: job.attemptsStarted ?? 0, createdBy: job.data.createdBy ?? null,
    createdAt: new Date(job.timestamp).toISOString(), payload: job.data.payload,
  };
  if (state === 'completed') info.result = job.returnvalue ?? null;
  if (job.failedReason) info.error = job.failedReason;
  if ((state === 'completed' || state === 'failed') && job.finishedOn) info.finishedAt = new Date(job.finishedOn).toISOString();
  return info;
}

function compareKeys(a: [number, string], b: [number, string]): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

function encodeCursor(key: [number, string]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] | null {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    return Array.isArray(key) && key.length === 2 && typeof key[0] === 'number' && typeof key[1] === 'string'
      ? [key[0], key[1]] : null;
  } catch {
    return null;
  }
}
