// Cross-instance change notices. Anything cached in memory (plugin states, settings, roles) has a
// revision row; a change bumps it and sends a NOTIFY with its commit, so every instance re-reads the
// (tiny) revision table within milliseconds. A periodic poll catches anything a lost notice missed. The
// instance that made the change sees it at once. Caches with many entries (one per user) use keyed
// notices instead: `touch` names the entries that changed in a core_notices row written with the
// change (no row to contend on), and after the commit a hint NOTIFY — one at a time per instance, however
// many writes it covers — wakes the other instances to read the rows they have not seen. A NOTIFY in
// the writing transaction would serialize every commit on PostgreSQL's notify lock, for the length of a
// WAL flush; the rows make the notice as durable as the change, and the poll reads them too.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Listen, Unlisten } from './db/notify';
import { onOneConnection } from './db/transaction';

/** `ids`: the entries a keyed notice names; undefined when anything under the key may have changed. */
type Listener = (ids?: readonly string[]) => void | Promise<void>;

/** Keyed notices name at most this many ids; more means "all". */
const MAX_NOTICE_IDS = 400;
/** A hint's payload: this prefix and the instance that sent it (which has told its own listeners already). */
const HINT = 'notices:';
/** At most one hint per this many ms per instance: other instances hear of a change this much later at worst. */
const HINT_GAP_MS = 20;
/** A notice id not seen this long after a later one is a rolled-back write: the reader steps over it. */
const GAP_MS = 5000;
/** Notices are kept this long, then pruned; an instance away longer starts over with empty caches anyway. */
const KEEP_NOTICES = '10 minutes';
const PRUNE_EVERY_MS = 60_000;

const commitHooks = new WeakMap<Knex.Transaction, Listener[]>();
/** Per transaction run by withTransaction: rows to insert, by table, just before it commits. */
const lastWrites = new WeakMap<Knex.Transaction, Map<string, Record<string, unknown>[]>>();

/** Runs `fn` after `db`'s transaction commits (never after a rollback), or now when `db` is no transaction. */
export async function afterCommit(db: Knex, fn: Listener): Promise<void> {
  if (!db.isTransaction) return void await fn();
  const trx = db as Knex.Transaction;
  commitHooks.set(trx, [...(commitHooks.get(trx) ?? []), fn]);
}

/**
 * Inserts `rows` into `table`. In a transaction run by withTransaction they go last, with the transaction's
 * other such rows (its audit records, its change notices): on PostgreSQL in the message that carries its
 * COMMIT, so they cost no round trip of their own. Nothing may read them back in that transaction.
 * Elsewhere: at once.
 */
export async function insertLast(db: Knex, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  const pending = db.isTransaction ? lastWrites.get(db as Knex.Transaction) : undefined;
  if (!pending) return void await db(table).insert(rows);
  pending.set(table, [...(pending.get(table) ?? []), ...rows]);
}

async function writeLast(trx: Knex.Transaction): Promise<void> {
  const tables = [...(lastWrites.get(trx) ?? [])];
  lastWrites.delete(trx);
  // `last`: on PostgreSQL the statement travels with the COMMIT (db/round-trips.ts).
  for (const [table, rows] of tables) await trx(table).insert(rows).options({ last: true });
}

/** Runs `fn` in a transaction of the root `db` (never one already open), then whatever must happen once it has committed (cache refreshes, waking workers). */
export async function withTransaction<T>(db: Knex, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  let hooks: Listener[] = [];
  const run = async (trx: Knex.Transaction) => {
    lastWrites.set(trx, new Map());
    commitHooks.set(trx, []);
    try {
      const out = await fn(trx);
      await writeLast(trx);
      return out;
    } finally {
      // A connection's transaction object is reused (db/transaction.ts): nothing of this one may stay with it.
      hooks = commitHooks.get(trx) ?? [];
      lastWrites.delete(trx);
      commitHooks.delete(trx);
    }
  };
  const result = await onOneConnection(db, run);
  for (const hook of hooks) await hook();
  return result;
}

export class Revisions {
  private readonly seen = new Map<string, number>();
  private readonly listeners = new Map<string, Listener[]>();
  private readonly instance = Math.random().toString(36).slice(2, 10);
  private readonly reader = new NoticeReader();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private hinting = false;
  private hintWanted = false;
  private prunedAt = Date.now();
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
    await afterCommit(db, () => this.notify(key));
  }

  /** Records a change to some entries of a keyed cache (`ids`, e.g. user ids) without a revision row. */
  async touch(key: string, ids: readonly string[], db: Knex = this.db): Promise<void> {
    if (!ids.length) return;
    const named = ids.length <= MAX_NOTICE_IDS ? [...new Set(ids)] : undefined;
    if (this.notices) await insertLast(db, 'core_notices', [{ payload: `${key}#${named?.join(',') ?? ''}` }]);
    await afterCommit(db, () => {
      if (this.notices) this.hint();
      return this.notify(key, named);
    });
  }

  /**
   * Wakes the other instances to read new notices: one NOTIFY at a time, at most one per HINT_GAP_MS, each
   * covering every commit before it — under a stream of writes, a few hints a second rather than one each.
   */
  private hint(): void {
    this.hintWanted = true;
    if (this.hinting || this.stopped) return;
    this.hinting = true;
    setImmediate(() => {
      this.hintWanted = false;
      const sent = Date.now();
      this.db.raw('select pg_notify(?, ?)', [this.notices?.channel ?? '', HINT + this.instance])
        .catch((err: Error) => this.log.debug({ err }, 'could not send a change hint; the poll will carry it'))
        .finally(() => setTimeout(() => {
          this.hinting = false;
          if (this.hintWanted) this.hint();
        }, Math.max(0, sent + HINT_GAP_MS - Date.now())).unref());
    });
  }

  /** Tells this instance's listeners of `key`. */
  private async notify(key: string, ids?: readonly string[]): Promise<void> {
    for (const listener of this.listeners.get(key) ?? []) await listener(ids);
  }

  /** A keyed notice's payload: `key#id,id,…`, or `key#` for every entry. */
  private keyed(payload: string): Promise<void> {
    const at = payload.indexOf('#');
    const ids = payload.slice(at + 1);
    return this.notify(payload.slice(0, at), ids ? ids.split(',') : undefined);
  }

  /** A notice from any instance: a hint reads the new keyed notices, anything else re-reads the revisions. */
  private async heard(payload: string | null): Promise<void> {
    if (payload?.startsWith(HINT)) return payload === HINT + this.instance ? undefined : this.catchUp();
    // Keyed notices may have been missed while not listening: every keyed cache starts over.
    if (payload === null) for (const key of this.listeners.keys()) await this.notify(key);
    return this.sync();
  }

  /** Reads the revisions now and notifies listeners of every key that changed. */
  sync(): Promise<void> {
    this.running ??= this.poll().finally(() => { this.running = undefined; });
    return this.running;
  }

  /** Reads the keyed notices not seen yet (one read at a time; a hint during a read asks for another). */
  private catchUp(): Promise<void> {
    if (!this.notices) return Promise.resolve();
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        const rows: { id: string; payload: string }[] = await this.db('core_notices').where('id', '>', this.reader.cursor).orderBy('id').select('id', 'payload');
        for (const row of rows) if (this.reader.first(Number(row.id))) await this.keyed(row.payload);
        this.reader.settle(Date.now());
      } while (this.readAgain && !this.stopped);
    })().finally(() => { this.reading = undefined; });
    return this.reading;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('revisions already started');
    await this.poll();
    if (this.notices) this.reader.cursor = Number((await this.db('core_notices').max('id as max').first())?.max ?? 0);
    this.started = true;
    const check = (payload: string | null) => {
      if (this.stopped) return;
      this.heard(payload).catch((err: Error) => this.log.warn({ err }, 'could not read revisions; will retry'));
    };
    this.unlisten = await this.notices?.listen(check);
    if (this.stopped) return this.stop();
    this.timer = setInterval(() => {
      check('');
      check(HINT);
      this.prune();
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Drops notices older than anyone still needs, once a minute per instance. */
  private prune(): void {
    if (!this.notices || Date.now() - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = Date.now();
    this.db('core_notices').where('at', '<', this.db.raw(`now() - interval '${KEEP_NOTICES}'`)).delete()
      .catch((err: Error) => this.log.warn({ err }, 'could not prune change notices; will retry'));
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

/**
 * Which notice ids a reader has handled. Ids are given out in order but commit out of order, so the
 * reader keeps a cursor below which it has seen every id, and the ids above it it has seen already.
 * A missing id is a write still committing — or one that rolled back, stepped over after GAP_MS.
 */
class NoticeReader {
  cursor = 0;
  private readonly above = new Set<number>();
  private gap: { at: number; since: number } | undefined;

  /** Whether `id` is new to this reader (and now seen). */
  first(id: number): boolean {
    if (id <= this.cursor || this.above.has(id)) return false;
    this.above.add(id);
    return true;
  }

  /** Moves the cursor over every id seen without a gap, and over a gap older than GAP_MS. */
  settle(now: number): void {
    while (this.above.delete(this.cursor + 1)) this.cursor += 1;
    if (!this.above.size) return void (this.gap = undefined);
    if (this.gap?.at !== this.cursor + 1) this.gap = { at: this.cursor + 1, since: now };
    if (now - this.gap.since < GAP_MS) return;
    let lowest = Infinity;
    for (const id of this.above) lowest = Math.min(lowest, id);
    this.cursor = lowest - 1;
    this.settle(now);
  }
}
