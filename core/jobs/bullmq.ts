// The BullMQ queue driver, used when REDIS_URL is set: one BullMQ queue per plugin (so a disabled
// plugin's queue can be paused), workers in any number of processes, cron schedules as BullMQ job
// schedulers (one job per tick across all processes). A killed worker's job reruns after the stalled
// check (lockMs / stalledIntervalMs): delivery is at-least-once.
import { Queue, WaitingError, Worker, type Job, type JobsOptions, type JobType } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { JobInfo, JobRef } from '../plugin';
import { clampPercent, errorMessage, withTimeout } from './inline';
import { drainByCounts, type JobListFilter, type JobPage, type JobRunner, type JobState, type QueueDriver, type RegisteredJob } from './queue';

export interface BullmqDriverOptions {
  redisUrl: string;
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
const KEEP_COMPLETED_S = 7 * 86_400;
const KEEP_FAILED_S = 30 * 86_400;
const PING_TIMEOUT_MS = 2000;

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

  constructor(opts: BullmqDriverOptions) {
    this.opts = {
      ...opts, lockMs: opts.lockMs ?? 30_000, stalledIntervalMs: opts.stalledIntervalMs ?? 30_000,
      concurrency: opts.concurrency ?? 4, closeTimeoutMs: opts.closeTimeoutMs ?? 10_000,
    };
    this.log = opts.log;
    this.conn = this.connect('queue');
  }

  // ---- storing and reading jobs ---------------------------------------------------------------

  async add(job: RegisteredJob, payload: unknown, opts: { delayMs?: number; createdBy?: string | null }): Promise<JobInfo> {
    const delay = Math.max(0, Number(opts.delayMs) || 0);
    const data: JobData = { payload: payload ?? null, createdBy: opts.createdBy ?? null };
    const added = await this.queue(job.plugin).add(job.ref.name, data, { ...jobOptions(job.ref), delay });
    return toInfo(job.plugin, added, delay > 0 ? 'delayed' : 'waiting');
  }

  async get(id: string): Promise<JobInfo | null> {
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

  async counts(): Promise<Record<JobState, number>> {
    const out: Record<JobState, number> = { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 };
    for (const q of this.queues.values()) {
      const c = await q.getJobCounts(...STATES.flatMap((s) => BULL_TYPES[s]));
      for (const s of STATES) out[s] += BULL_TYPES[s].reduce((n, t) => n + (c[t] ?? 0), 0);
      out.delayed -= await this.upcomingTicks(q);
    }
    return out;
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
    const plugins = [...new Set(opts.jobs.map((j) => j.plugin))];
    for (const j of opts.jobs) {
      if (!j.ref.schedule) continue;
      await this.queue(j.plugin).upsertJobScheduler(j.ref.name, { pattern: j.ref.schedule.cron }, {
        name: j.ref.name, data: { payload: j.ref.schedule.payload ?? null, createdBy: null }, opts: jobOptions(j.ref),
      });
    }
    for (const plugin of plugins) {
      const q = this.queue(plugin);
      for (const s of await q.getJobSchedulers(0, -1)) {
        const id = s.id ?? s.key;
        if (!this.jobs.get(id)?.ref.schedule) await q.removeJobScheduler(id);
      }
    }
    if (!opts.workers) return;
    this.run = opts.run;
    for (const plugin of plugins) this.startWorker(plugin);
  }

  async close(): Promise<void> {
    const closing = this.workers.map((w) => w.worker.close());
    if (!(await withTimeout(Promise.all(closing), this.opts.closeTimeoutMs))) {
      await Promise.all([...this.running.values()].map((r) => r.handBack()));
      await Promise.all(closing);
    }
    await Promise.all(this.workers.map((w) => w.conn.quit().catch(() => w.conn.disconnect())));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.conn.quit().catch(() => this.conn.disconnect());
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

  private connect(role: string): Redis {
    const conn = new Redis(this.opts.redisUrl, { maxRetriesPerRequest: null });
    conn.on('error', (err: Error) => this.log.warn({ err: errorMessage(err), role }, 'redis connection error'));
    return conn;
  }
}

function jobOptions(ref: JobRef): JobsOptions {
  return {
    attempts: Math.max(1, ref.attempts),
    backoff: { type: 'exponential', delay: Math.max(0, ref.backoffMs) },
    removeOnComplete: { age: KEEP_COMPLETED_S },
    removeOnFail: { age: KEEP_FAILED_S },
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
    progress: typeof job.progress === 'number' ? clampPercent(job.progress) : 0,
    attempts: job.attemptsStarted ?? 0, createdBy: job.data.createdBy ?? null,
    createdAt: new Date(job.timestamp).toISOString(),
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
