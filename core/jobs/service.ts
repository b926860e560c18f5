// The core's side of the job queue, whatever the driver: the registry of job definitions, payload
// validation on the way in and on the way out, and the runner that gives a handler its context.
import type { Knex } from 'knex';
import type { EnqueueOptions, JobContext, JobInfo, JobRef, PluginContext } from '../plugin';
import { badRequest } from '../http/errors';
import { compileValidator, type Validator } from '../http/validation';
import type { JobListFilter, JobPage, JobState, QueueDriver, RegisteredJob, RunMeta } from './queue';
import { nextCronTick } from './inline';

export interface JobSchedule { name: string; plugin: string; cron: string; nextRunAt: string }

export class JobService {
  /** By name: a plugin built in another package holds its own copy of a job reference. */
  private readonly jobs = new Map<string, RegisteredJob & { validate: Validator }>();

  constructor(
    readonly driver: QueueDriver,
    private readonly contextOf: (plugin: string) => PluginContext,
  ) {}

  register(plugin: string, ref: JobRef): void {
    this.jobs.set(ref.name, { plugin, ref, validate: compileValidator(ref.payload, 'payload') });
  }

  checkPayload(ref: JobRef, payload: unknown): void {
    const job = this.jobs.get(ref.name);
    if (!job) throw new Error(`job "${ref.name}" is not registered; list it in its plugin's jobs`);
    const errors = job.validate(payload);
    if (errors.length) throw badRequest(`invalid payload for job "${ref.name}"`, errors);
  }

  /** Writes jobs through `db` (a transaction, to make them part of its change); payloads are checked first. */
  async enqueue(entries: readonly { ref: JobRef; payload: unknown; opts?: EnqueueOptions }[], db: Knex): Promise<JobInfo[]> {
    if (!entries.length) return [];
    for (const { ref, payload } of entries) this.checkPayload(ref, payload);
    return this.driver.add(entries.map(({ ref, payload, opts }) => ({ job: this.jobs.get(ref.name) as RegisteredJob, payload, ...opts })), db);
  }

  /** Starts schedules and, unless this process only serves HTTP, workers. */
  start(workers: boolean): Promise<void> {
    return this.driver.start({ jobs: [...this.jobs.values()], run: (job, payload, meta) => this.run(job, payload, meta), workers });
  }

  async get(id: string): Promise<JobInfo | null> { return this.shown(await this.driver.get(id)); }
  async list(filter: JobListFilter): Promise<JobPage> {
    const page = await this.driver.list(filter);
    return { ...page, items: page.items.map((job) => this.shown(job) as JobInfo) };
  }
  async retry(id: string): Promise<JobInfo | null> { return this.shown(await this.driver.retry(id)); }
  /** Deletes a job that is not running: 'removed', 'active' (left alone) or null when there is no such job. */
  remove(id: string): Promise<'removed' | 'active' | null> { return this.driver.remove(id); }
  counts(): Promise<Record<JobState, number>> { return this.driver.counts(); }
  /** Removes completed and failed jobs that finished before `finishedBefore` (retention); returns how many. */
  prune(finishedBefore: Date): Promise<number> { return this.driver.prune(finishedBefore); }
  drain(timeoutMs?: number): Promise<void> { return this.driver.drain(timeoutMs); }

  /** Every job with a cron schedule and its next tick after `now` (a disabled plugin's schedule does not fire). */
  schedules(now = new Date()): JobSchedule[] {
    return [...this.jobs.values()].filter((j) => j.ref.schedule).map((j) => {
      const cron = (j.ref.schedule as NonNullable<JobRef['schedule']>).cron;
      return { name: j.ref.name, plugin: j.plugin, cron, nextRunAt: nextCronTick(cron, now).toISOString() };
    }).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The job without the payload properties its schema marks `writeOnly` (a mail's text holds sign-in links). */
  private shown(job: JobInfo | null): JobInfo | null {
    const schema = job && this.jobs.get(job.name)?.ref.payload;
    const props = (schema as { properties?: Record<string, { writeOnly?: boolean }> } | undefined)?.properties;
    if (!job || !props || !job.payload || typeof job.payload !== 'object') return job;
    const payload = Object.fromEntries(Object.entries(job.payload).filter(([key]) => !props[key]?.writeOnly));
    return { ...job, payload };
  }

  private async run(job: RegisteredJob, payload: unknown, meta: RunMeta): Promise<unknown> {
    const entry = this.jobs.get(job.ref.name);
    const errors = entry ? entry.validate(payload) : [];
    if (errors.length) throw new Error(`invalid payload: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
    const base = this.contextOf(job.plugin);
    const ctx = Object.create(base, {
      jobId: { value: meta.jobId },
      attempt: { value: meta.attempt },
      progress: { value: (percent: number) => meta.progress(Math.max(0, Math.min(100, Math.round(percent)))) },
      log: { value: base.log.child({ job: job.ref.name, jobId: meta.jobId, attempt: meta.attempt }) },
    }) as JobContext;
    try {
      return await job.ref.handler(payload, ctx);
    } catch (err) {
      throw withoutLibraryText(err, ctx);
    }
  }
}

/**
 * A job's error is shown to whoever started it (GET /api/v1/jobs/:id). A database or system error
 * (one with a `code`: an SQLSTATE or an errno name) names statements, values or hosts: it is logged
 * here and the job fails with a fixed message; plugins' own errors keep theirs.
 */
function withoutLibraryText(err: unknown, ctx: JobContext): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return err;
  ctx.log.error({ err }, 'job failed');
  return new Error(`A database or system error stopped this job (${code}); the server log has the details.`);
}
