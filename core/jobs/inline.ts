// The "inline" queue driver: jobs live in the database (core_jobs) and every process started with
// workers polls for them. Used when there is no Redis (the embedded PGlite setup, small installs).
// A worker owns a job through a lease (locked_until) it renews while running; a killed worker's lease
// expires and the job runs again elsewhere (at-least-once). Cron ticks are claimed by compare-and-set on
// core_job_schedules in the same transaction that inserts the job, so a tick fires once across processes.
import { randomUUID } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { JobInfo } from '../plugin';
import { afterCommit } from '../sync';
import { drainByCounts, type JobListFilter, type JobPage, type JobRunner, type JobState, type NewJob, type QueueDriver, type RegisteredJob } from './queue';

export interface InlineDriverOptions {
  db: Knex;
  log: Logger;
  /** How often an idle worker looks for jobs and due schedules (default 500 ms). */
  pollMs?: number;
  /** Lease of a running job, renewed while it runs; a dead worker's job reruns after it (default 30 s). */
  lockMs?: number;
  /** Jobs run at once by this process (default 4). */
  concurrency?: number;
  /** How long close() waits for running jobs before handing them back (default 10 s). */
  closeTimeoutMs?: number;
}

interface JobRow {
  id: string | number;
  name: string;
  plugin: string;
  payload: unknown;
  state: 'waiting' | 'active' | 'completed' | 'failed';
  progress: number;
  result: unknown;
  error: string | null;
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  created_by: string | null;
  created_at: Date | string;
  run_at: Date | string;
  finished_at: Date | string | null;
  locked_until: Date | string | null;
  lock_token: string | null;
}
interface ListedRow extends JobRow { delayed: boolean }
interface ScheduleRow { name: string; plugin: string; cron: string; payload: unknown; next_run_at: Date }

interface Running { id: string; token: string; renew: NodeJS.Timeout; handedBack: boolean; done: Promise<void> }
type Outcome = { ok: true; result: string } | { ok: false; error: string };

const ID = /^[1-9][0-9]{0,17}$/;
/** 'delayed' is derived, by the database's clock: waiting, but not yet due. */
const IS_DELAYED = `(state = 'waiting' AND run_at > now()) AS delayed`;

export class InlineDriver implements QueueDriver {
  readonly name = 'inline' as const;
  private readonly db: Knex;
  private readonly log: Logger;
  private readonly pollMs: number;
  private readonly lockMs: number;
  private readonly concurrency: number;
  private readonly closeTimeoutMs: number;

  private jobs = new Map<string, RegisteredJob>();
  private run: JobRunner | null = null;
  private readonly paused = new Set<string>();
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private wakeAgain = false;
  private closing = false;
  private lastHousekeeping = 0;

  constructor(opts: InlineDriverOptions) {
    this.db = opts.db;
    this.log = opts.log;
    this.pollMs = opts.pollMs ?? 500;
    this.lockMs = opts.lockMs ?? 30_000;
    this.concurrency = opts.concurrency ?? 4;
    this.closeTimeoutMs = opts.closeTimeoutMs ?? 10_000;
  }

  // ---- storing and reading jobs ---------------------------------------------------------------

  async add(jobs: readonly NewJob[], db: Knex): Promise<JobInfo[]> {
    const delays = jobs.map((j) => Math.max(0, Number(j.delayMs) || 0));
    const rows: JobRow[] = await db('core_jobs')
      .insert(jobs.map((j, i) => ({ ...this.newJob(j.job, j.payload, j.createdBy ?? null), run_at: db.raw(this.afterMs, [delays[i]]) })))
      .returning('*');
    await afterCommit(db, () => this.wake());
    return rows.map((row, i) => toInfo(row, delays[i] > 0));
  }

  async get(id: string): Promise<JobInfo | null> {
    if (!ID.test(id)) return null;
    const row: ListedRow | undefined = await this.db('core_jobs').select('*', this.db.raw(IS_DELAYED)).where('id', id).first();
    return row ? toInfo(row, row.delayed) : null;
  }

  async list(filter: JobListFilter): Promise<JobPage> {
    const limit = Math.min(Math.max(Math.floor(filter.limit), 1), 1000);
    if (filter.cursor !== undefined && !ID.test(filter.cursor)) return { items: [], nextCursor: null };
    const q = this.db('core_jobs').select('*', this.db.raw(IS_DELAYED)).orderBy('id', 'desc').limit(limit + 1);
    if (filter.cursor !== undefined) q.where('id', '<', filter.cursor);
    if (filter.createdBy !== undefined) q.where('created_by', filter.createdBy);
    if (filter.state === 'waiting') q.where('state', 'waiting').where('run_at', '<=', this.db.fn.now());
    else if (filter.state === 'delayed') q.where('state', 'waiting').where('run_at', '>', this.db.fn.now());
    else if (filter.state !== undefined) q.where('state', filter.state);
    const rows: ListedRow[] = await q;
    const items = rows.slice(0, limit).map((row) => toInfo(row, row.delayed));
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }

  async retry(id: string): Promise<JobInfo | null> {
    if (!ID.test(id)) return null;
    const [row] = await this.db<JobRow>('core_jobs').where({ id, state: 'failed' }).update({
      state: 'waiting', attempts: 0, progress: 0, error: null, result: null, finished_at: null,
      run_at: this.db.fn.now(),
    }).returning('*');
    if (!row) return null;
    this.wake();
    return toInfo(row, false);
  }

  async remove(id: string): Promise<'removed' | 'active' | null> {
    if (!ID.test(id)) return null;
    const n = await this.db('core_jobs').where('id', id).whereNot('state', 'active').delete();
    if (n) return 'removed';
    return (await this.db('core_jobs').where('id', id).first('id')) ? 'active' : null;
  }

  async counts(): Promise<Record<JobState, number>> {
    const { rows } = await this.db.raw<{ rows: { state: JobState; n: number }[] }>(`
      SELECT CASE WHEN state = 'waiting' AND run_at > now() THEN 'delayed' ELSE state END AS state, count(*)::int AS n
      FROM core_jobs GROUP BY 1`);
    const out: Record<JobState, number> = { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 };
    for (const r of rows) out[r.state] = r.n;
    return out;
  }

  async prune(finishedBefore: Date): Promise<number> {
    return this.db('core_jobs').whereIn('state', ['completed', 'failed']).where('finished_at', '<', finishedBefore).delete();
  }

  async setPaused(plugin: string, paused: boolean): Promise<void> {
    if (paused) this.paused.add(plugin);
    else if (this.paused.delete(plugin)) this.wake();
  }

  drain(timeoutMs = 10_000): Promise<void> {
    return drainByCounts(() => this.counts(), timeoutMs);
  }

  async ping(): Promise<void> {
    await this.db.raw('SELECT 1');
  }

  async warnings(): Promise<string[]> {
    return [];
  }

  // ---- schedules and workers ------------------------------------------------------------------

  async start(opts: { jobs: RegisteredJob[]; run: JobRunner; workers: boolean }): Promise<void> {
    this.jobs = new Map(opts.jobs.map((j) => [j.ref.name, j]));
    await this.syncSchedules(opts.jobs);
    if (!opts.workers) return;
    this.run = opts.run;
    this.closing = false;
    this.schedulePoll(0);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.polling;
    if (this.running.size === 0) return;
    const finished = await withTimeout(Promise.all([...this.running.values()].map((r) => r.done)), this.closeTimeoutMs);
    if (!finished) await Promise.all([...this.running.values()].map((r) => this.handBack(r)));
  }

  private async syncSchedules(jobs: RegisteredJob[]): Promise<void> {
    const scheduled = jobs.filter((j) => j.ref.schedule);
    for (const j of scheduled) {
      const { cron, payload } = j.ref.schedule!;
      await this.db.raw(`
        INSERT INTO core_job_schedules (name, plugin, cron, payload, next_run_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET plugin = excluded.plugin, payload = excluded.payload, cron = excluded.cron,
          updated_at = now(),
          next_run_at = CASE WHEN core_job_schedules.cron = excluded.cron
                             THEN core_job_schedules.next_run_at ELSE excluded.next_run_at END`,
      [j.ref.name, j.plugin, cron, JSON.stringify(payload ?? null), nextCronTick(cron, new Date())]);
    }
    const plugins = [...new Set(jobs.map((j) => j.plugin))];
    await this.db('core_job_schedules').whereIn('plugin', plugins)
      .whereNotIn('name', scheduled.map((j) => j.ref.name)).delete();
  }

  /** Runs the poll loop again soon: a job was added here, a slot freed or a plugin resumed. */
  private wake(): void {
    if (!this.run || this.closing) return;
    if (this.polling) this.wakeAgain = true;
    else this.schedulePoll(0);
  }

  private schedulePoll(ms: number): void {
    if (this.closing) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll();
    }, ms);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closing) return;
    let found = false;
    this.polling = (async () => {
      await this.housekeeping().catch((err: unknown) => this.log.error({ err }, 'job queue housekeeping failed'));
      try {
        while (!this.closing && this.running.size < this.concurrency) {
          const row = await this.claim();
          if (!row) break;
          found = true;
          this.execute(row);
        }
      } catch (err) {
        this.log.error({ err }, 'job queue poll failed');
      }
    })();
    await this.polling;
    this.polling = null;
    const again = this.wakeAgain || (found && this.running.size < this.concurrency);
    this.wakeAgain = false;
    this.schedulePoll(again ? 0 : this.pollMs);
  }

  /** At most once per pollMs: fires due cron ticks, fails jobs whose worker died on their last attempt. */
  private async housekeeping(): Promise<void> {
    if (Date.now() - this.lastHousekeeping < this.pollMs) return;
    this.lastHousekeeping = Date.now();
    await this.fireSchedules();
    await this.db<JobRow>('core_jobs').where('state', 'active').where('locked_until', '<', this.db.fn.now())
      .whereRaw('attempts >= max_attempts').update({
        state: 'failed', finished_at: this.db.fn.now(), lock_token: null, locked_until: null,
        error: 'The worker running this job stopped before it finished, and no attempts are left',
      });
  }

  private async fireSchedules(): Promise<void> {
    const names = [...this.jobs.values()].filter((j) => j.ref.schedule).map((j) => j.ref.name);
    if (names.length === 0) return;
    const due: ScheduleRow[] = await this.db<ScheduleRow>('core_job_schedules').select('*')
      .whereIn('name', names).whereNotIn('plugin', [...this.paused]).where('next_run_at', '<=', this.db.fn.now());
    for (const s of due) {
      const job = this.jobs.get(s.name)!;
      // Strictly after the claimed tick, so a clock behind the database's cannot claim the same tick twice.
      const next = nextCronTick(s.cron, new Date(Math.max(Date.now(), new Date(s.next_run_at).getTime())));
      const fired = await this.db.transaction(async (trx) => {
        const n = await trx('core_job_schedules').where({ name: s.name, next_run_at: s.next_run_at })
          .update({ next_run_at: next });
        if (n !== 1) return false;
        await trx('core_jobs').insert(this.newJob(job, s.payload, null));
        return true;
      });
      if (fired) this.log.debug({ job: s.name }, 'cron schedule fired');
    }
  }

  /** Takes the oldest runnable job, or one whose worker's lease expired, and leases it to this process. */
  private async claim(): Promise<JobRow | null> {
    const token = randomUUID();
    const now = this.db.fn.now();
    const pick = this.db('core_jobs').select('id')
      .where((q) => q
        .where((w) => w.where('state', 'waiting').where('run_at', '<=', now))
        .orWhere((w) => w.where('state', 'active').where('locked_until', '<', now).whereRaw('attempts < max_attempts')))
      .whereIn('name', [...this.jobs.keys()])
      .whereNotIn('plugin', [...this.paused])
      .orderBy('run_at').orderBy('id')
      .limit(1).forUpdate().skipLocked();
    const [row] = await this.db<JobRow>('core_jobs').where('id', pick).update({
      state: 'active', attempts: this.db.raw('attempts + 1'), lock_token: token,
      locked_until: this.db.raw(this.afterMs, [this.lockMs]),
    }).returning('*');
    return row ?? null;
  }

  private execute(row: JobRow): void {
    const id = String(row.id);
    const token = row.lock_token!;
    const job = this.jobs.get(row.name)!;
    const owned = () => this.db<JobRow>('core_jobs').where({ id, lock_token: token });
    const meta = {
      jobId: id,
      attempt: row.attempts,
      progress: async (percent: number) => {
        if (!r.handedBack) await owned().update({ progress: clampPercent(percent) });
      },
    };
    const r: Running = {
      id, token, handedBack: false,
      renew: setInterval(() => {
        owned().update({ locked_until: this.db.raw(this.afterMs, [this.lockMs]) })
          .then((n) => { if (n === 0 && !r.handedBack) this.log.warn({ id, job: row.name }, 'job lease lost; another worker may run it'); })
          .catch((err: unknown) => this.log.error({ err, id }, 'job lease renewal failed'));
      }, Math.max(50, Math.floor(this.lockMs / 3))),
      done: Promise.resolve(),
    };
    r.done = (async () => {
      let outcome: Outcome;
      try {
        outcome = { ok: true, result: toJson(await this.run!(job, row.payload, meta)) };
      } catch (err) {
        outcome = { ok: false, error: errorMessage(err) };
      }
      clearInterval(r.renew);
      if (!r.handedBack) await this.finish(row, token, outcome, job.ref.forgetPayload === true);
    })().catch((err: unknown) => this.log.error({ err, id }, 'job bookkeeping failed'))
      .finally(() => {
        this.running.delete(id);
        this.wake();
      });
    this.running.set(id, r);
  }

  private async finish(row: JobRow, token: string, outcome: Outcome, forgetPayload: boolean): Promise<void> {
    const id = String(row.id);
    const retry = !outcome.ok && row.attempts < row.max_attempts;
    const update = outcome.ok
      ? { state: 'completed' as const, progress: 100, result: outcome.result, error: null, finished_at: this.db.fn.now(), ...(forgetPayload ? { payload: {} } : {}) }
      : retry
        ? { state: 'waiting' as const, error: outcome.error, run_at: this.db.raw(this.afterMs, [row.backoff_ms * 2 ** (row.attempts - 1)]) }
        : { state: 'failed' as const, error: outcome.error, finished_at: this.db.fn.now() };
    const n = await this.db<JobRow>('core_jobs').where({ id, lock_token: token })
      .update({ ...update, lock_token: null, locked_until: null });
    if (n === 0) this.log.warn({ id, job: row.name }, 'job finished after its lease was lost; outcome discarded');
    else if (!outcome.ok) this.log.warn({ id, job: row.name, attempt: row.attempts, err: outcome.error }, retry ? 'job failed; will retry' : 'job failed');
  }

  /** Gives a still-running job back to the queue at shutdown; its run does not count as an attempt. */
  private async handBack(r: Running): Promise<void> {
    r.handedBack = true;
    clearInterval(r.renew);
    this.running.delete(r.id);
    try {
      await this.db<JobRow>('core_jobs').where({ id: r.id, lock_token: r.token }).update({
        state: 'waiting', attempts: this.db.raw('greatest(attempts - 1, 0)'), lock_token: null, locked_until: null,
        run_at: this.db.fn.now(),
      });
      this.log.warn({ id: r.id }, 'job still running at shutdown; handed back to the queue');
    } catch (err) {
      this.log.error({ err, id: r.id }, 'could not hand a running job back; it reruns when its lease expires');
    }
  }

  private newJob(job: RegisteredJob, payload: unknown, createdBy: string | null) {
    return {
      name: job.ref.name, plugin: job.plugin, payload: JSON.stringify(payload ?? null), created_by: createdBy,
      max_attempts: Math.max(1, job.ref.attempts), backoff_ms: Math.max(0, job.ref.backoffMs),
    };
  }

  private readonly afterMs = `now() + ?::float8 * interval '1 millisecond'`;

}

function toInfo(row: JobRow, delayed: boolean): JobInfo {
  const info: JobInfo = {
    id: String(row.id), name: row.name, state: delayed ? 'delayed' : row.state, progress: row.progress,
    attempts: row.attempts, createdBy: row.created_by, createdAt: new Date(row.created_at).toISOString(), payload: row.payload,
  };
  if (row.state === 'completed') info.result = row.result;
  if (row.error !== null) info.error = row.error;
  if (row.finished_at !== null) info.finishedAt = new Date(row.finished_at).toISOString();
  return info;
}

/**
 * The first tick of `cron` (5 fields, or 6 with seconds) strictly after `after`, in the process's time zone
 * (TZ) like BullMQ's schedulers; throws on an invalid expression.
 */
export function nextCronTick(cron: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: after }).next().toDate();
}

function toJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

export function clampPercent(percent: number): number {
  return Number.isFinite(percent) ? Math.min(100, Math.max(0, Math.round(percent))) : 0;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Resolves true when `p` settles within `ms`, false otherwise; leaves no timer behind. */
export async function withTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([p.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
