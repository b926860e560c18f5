// The job queue contract both drivers honor (BullMQ on Redis, and the in-process "inline" driver that
// keeps its state in the database), so plugins and the core never know which one runs.
import type { Knex } from 'knex';
import type { JobInfo, JobRef } from '../plugin';

export type JobState = JobInfo['state'];
export const JOB_STATES: readonly JobState[] = ['waiting', 'active', 'completed', 'failed', 'delayed'];

/** A job definition together with the plugin that owns it (the plugin is its queue). */
export interface RegisteredJob { readonly plugin: string; readonly ref: JobRef }

export interface RunMeta {
  jobId: string;
  /** 1 on the first run. */
  attempt: number;
  progress(percent: number): Promise<void>;
}
/** Supplied by the core: validates the payload, builds the job context and calls the handler. */
export type JobRunner = (job: RegisteredJob, payload: unknown, meta: RunMeta) => Promise<unknown>;

export interface JobListFilter { state?: JobState; createdBy?: string; limit: number; cursor?: string }
export interface JobPage { items: JobInfo[]; nextCursor: string | null }

/** A job to store; its payload is already validated. */
export interface NewJob { job: RegisteredJob; payload: unknown; delayMs?: number; createdBy?: string | null }

export interface QueueDriver {
  readonly name: 'bullmq' | 'inline';
  /**
   * Stores jobs through `db` — the caller's transaction or the app's database — so they exist exactly
   * when the caller's change commits (one insert however many); they run when a worker takes them.
   */
  add(jobs: readonly NewJob[], db: Knex): Promise<JobInfo[]>;
  get(id: string): Promise<JobInfo | null>;
  list(filter: JobListFilter): Promise<JobPage>;
  /** Moves a failed job back to waiting; null when there is no such failed job. */
  retry(id: string): Promise<JobInfo | null>;
  /** Deletes a job that is not running: 'removed', 'active' (left alone) or null when there is no such job. */
  remove(id: string): Promise<'removed' | 'active' | null>;
  counts(): Promise<Record<JobState, number>>;
  /** Removes completed and failed jobs that finished before `finishedBefore`; returns how many. */
  prune(finishedBefore: Date): Promise<number>;
  /** A disabled plugin's jobs stay stored but are not taken by any worker. */
  setPaused(plugin: string, paused: boolean): Promise<void>;
  /**
   * Upserts the cron schedules of `jobs` (idempotent; a schedule fires once per tick across every
   * process) and, when `workers` is true, starts taking jobs and calling `run`.
   */
  start(opts: { jobs: RegisteredJob[]; run: JobRunner; workers: boolean }): Promise<void>;
  /** Resolves when no job is waiting, active or delayed (tests); rejects after timeoutMs. */
  drain(timeoutMs?: number): Promise<void>;
  /** Throws when the backing store cannot be reached. */
  ping(): Promise<void>;
  /** Operational problems worth shouting about, e.g. Redis without persistence. */
  warnings(): Promise<string[]>;
  /** Stops taking jobs, lets in-flight ones finish (or hands them back), closes connections. */
  close(): Promise<void>;
}

/**
 * Polls `counts` until nothing is waiting, active or delayed twice in a row: the drain() both drivers
 * share. One empty reading is not enough, because counts are read store by store (outbox, then queues)
 * and a job finishing between two reads may have just written its follow-up where the first read looked.
 */
export async function drainByCounts(counts: () => Promise<Record<JobState, number>>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  for (;;) {
    const c = await counts();
    quiet = c.waiting + c.active + c.delayed === 0 ? quiet + 1 : 0;
    if (quiet === 2) return;
    if (Date.now() > deadline) throw new Error(`Job queue not drained after ${timeoutMs} ms: ${JSON.stringify(c)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
