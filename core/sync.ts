// Cross-instance change notices. Anything cached in memory (plugin states, settings, roles,
// credentials) has a revision row; a change bumps it and sends a NOTIFY with its commit, so every
// instance re-reads the (tiny) revision table within milliseconds. A periodic poll catches anything a
// lost notice missed. The instance that made the change sees it at once. Caches with many entries (one
// per user) use keyed notices instead: `touch` names the entries that changed, writes no row (nothing
// to contend on), and an instance that may have missed notices (it reconnected) drops everything.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Listen, Unlisten } from './db/notify';

/** `ids`: the entries a keyed notice names; undefined when anything under the key may have changed. */
type Listener = (ids?: readonly string[]) => void | Promise<void>;

/** Keyed notices name at most this many ids (a NOTIFY payload holds < 8000 bytes); more means "all". */
const MAX_NOTICE_IDS = 400;

const commitHooks = new WeakMap<Knex.Transaction, Listener[]>();

/** Runs `fn` after `db`'s transaction commits (never after a rollback), or now when `db` is no transaction. */
export async function afterCommit(db: Knex, fn: Listener): Promise<void> {
  if (!db.isTransaction) return void await fn();
  const trx = db as Knex.Transaction;
  commitHooks.set(trx, [...(commitHooks.get(trx) ?? []), fn]);
}

/** Runs `fn` in a transaction, then whatever must happen once it has committed (cache refreshes, waking workers). */
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
    await this.announce(key, key, undefined, db);
  }

  /** Records a change to some entries of a keyed cache (`ids`, e.g. user ids) without a revision row. */
  async touch(key: string, ids: readonly string[], db: Knex = this.db): Promise<void> {
    if (!ids.length) return;
    const named = ids.length <= MAX_NOTICE_IDS ? [...new Set(ids)] : undefined;
    await this.announce(key, `${key}#${named?.join(',') ?? ''}`, named, db);
  }

  private async announce(key: string, payload: string, ids: readonly string[] | undefined, db: Knex): Promise<void> {
    // Delivered when the transaction commits (at once outside one); never for a rollback.
    if (this.notices) await db.raw('select pg_notify(?, ?)', [this.notices.channel, payload]);
    await afterCommit(db, () => this.notify(key, ids));
  }

  /** Tells this instance's listeners of `key`. */
  private async notify(key: string, ids?: readonly string[]): Promise<void> {
    for (const listener of this.listeners.get(key) ?? []) await listener(ids);
  }

  /** A notice from any instance: a keyed one goes straight to its listeners, anything else re-reads the revisions. */
  private async heard(payload: string | null): Promise<void> {
    const keyed = payload?.indexOf('#') ?? -1;
    if (payload !== null && keyed > 0) {
      const ids = payload.slice(keyed + 1);
      return this.notify(payload.slice(0, keyed), ids ? ids.split(',') : undefined);
    }
    // Keyed notices may have been missed while not listening: every keyed cache starts over.
    if (payload === null) for (const key of this.listeners.keys()) await this.notify(key);
    return this.sync();
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
    const check = (payload: string | null = '') => {
      if (this.stopped) return;
      this.heard(payload).catch((err: Error) => this.log.warn({ err }, 'could not read revisions; will retry'));
    };
    this.unlisten = await this.notices?.listen(check);
    if (this.stopped) return this.stop();
    this.timer = setInterval(() => check(), this.intervalMs);
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
