// Cross-instance change notices. Anything cached in memory (plugin states, settings, roles,
// credentials) has a revision row; a change bumps it and sends a NOTIFY with its commit, so every
// instance re-reads the (tiny) revision table within milliseconds. A periodic poll catches anything a
// lost notice missed. The instance that made the change sees it at once.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Listen, Unlisten } from './db/notify';

type Listener = () => void | Promise<void>;

const commitHooks = new WeakMap<Knex.Transaction, Listener[]>();

/** Runs `fn` in a transaction, then whatever must happen once it has committed (cache refreshes). */
export async function withTransaction<T>(db: Knex, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  let trx: Knex.Transaction | undefined;
  const result = await db.transaction((t) => { trx = t; return fn(t); });
  for (const hook of (trx && commitHooks.get(trx)) ?? []) await hook();
  return result;
}

export class Revisions {
  private readonly seen = new Map<string, number>();
  private readonly listeners = new Map<string, Listener[]>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;

  private unlisten: Unlisten | undefined;

  constructor(
    private readonly db: Knex, private readonly intervalMs: number, private readonly log: Logger,
    private readonly notices?: { channel: string; listen: Listen },
  ) {}

  on(key: string, listener: Listener): void {
    this.listeners.set(key, [...(this.listeners.get(key) ?? []), listener]);
  }

  /** Records a change. Inside a transaction (run by withTransaction) local listeners wait for the commit. */
  async bump(key: string, db: Knex = this.db): Promise<void> {
    await db.raw(`insert into core_revisions (key, rev) values (?, 1)
      on conflict (key) do update set rev = core_revisions.rev + 1`, [key]);
    // Delivered when the transaction commits (at once outside one); never for a rollback.
    if (this.notices) await db.raw('select pg_notify(?, ?)', [this.notices.channel, key]);
    if (db.isTransaction) {
      const trx = db as Knex.Transaction;
      commitHooks.set(trx, [...(commitHooks.get(trx) ?? []), () => this.notify(key)]);
    } else {
      await this.notify(key);
    }
  }

  /** Tells this instance's listeners at once; other instances learn at their next poll. */
  private async notify(key: string): Promise<void> {
    for (const listener of this.listeners.get(key) ?? []) await listener();
  }

  /** Reads the revisions now and notifies listeners of every key that changed. */
  sync(): Promise<void> {
    this.running ??= this.poll().finally(() => { this.running = undefined; });
    return this.running;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('revisions already started');
    await this.poll();
    this.started = true;
    const check = () => {
      if (this.stopped) return;
      this.sync().catch((err: Error) => this.log.warn({ err }, 'could not read revisions; will retry'));
    };
    this.unlisten = await this.notices?.listen(check);
    if (this.stopped) return this.stop();
    this.timer = setInterval(check, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.();
  }

  private async poll(): Promise<void> {
    const rows: { key: string; rev: number }[] = await this.db('core_revisions').select('key', this.db.raw('rev::int as rev'));
    for (const { key, rev } of rows) {
      const before = this.seen.get(key);
      this.seen.set(key, rev);
      if (before === rev || (before === undefined && !this.started)) continue;
      await this.notify(key);
    }
  }
}
