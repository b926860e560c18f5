// A top-level transaction on one pooled connection, queried through a knex instance made once per
// connection and kept with it. knex's own `transaction()` builds a new knex instance, client and event
// wiring for every transaction, which cost more CPU and garbage than a short write's statements (about
// 165 µs per transaction here; bench/RESULTS.md "Writes"). The statements sent are the ones knex sends
// (`BEGIN;`, `COMMIT;`, `ROLLBACK`), so db/round-trips.ts treats them alike. The kept instance refuses to
// query while no transaction of ours is open on its connection; a transaction nested in it is a savepoint,
// as in knex.
import type { Knex } from 'knex';

const makeKnex = require('knex/lib/knex-builder/make-knex.js') as (client: Knex.Client) => Knex;

interface Kept { trx: Knex.Transaction; client: Knex.Client; state: { open: boolean } }
type Connection = object & { __knex__disposed?: unknown };
/** What knex's instances forward their methods to (knex/lib/knex-builder/make-knex.js). */
interface KnexContext { transaction: unknown; _transaction(container: unknown, config: object, outer: null): unknown }

const kept = new WeakMap<Connection, Kept>();

const refused = () => Promise.reject(new Error('this transaction is over: a query of it ran after its commit or rollback'));
const managed = () => { throw new Error('a transaction run by ctx.transaction commits when its function returns and rolls back when it throws'); };

/** The connection's client and knex instance: every query on them runs on `connection`, and only while a transaction is open. */
function keptFor(db: Knex, connection: Connection): Kept {
  const existing = kept.get(connection);
  if (existing) return existing;
  const root = db.client;
  const state = { open: false };
  // The fields knex copies into its own transaction clients (knex/lib/execution/transaction.js).
  const client = Object.assign(Object.create(Object.getPrototypeOf(root)) as Knex.Client, {
    version: root.version, config: root.config, driver: root.driver, connectionSettings: root.connectionSettings,
    transacting: true, valueForUndefined: root.valueForUndefined, logger: root.logger,
  });
  // Its queries are the database's too, for whoever listens there (`knex.on('query')`), as knex's own transactions' are.
  for (const event of ['start', 'query', 'query-error', 'query-response']) client.on(event, (...args: unknown[]) => root.emit(event, ...args));
  const { query, stream } = client;
  Object.assign(client, {
    query: (conn: unknown, obj: unknown) => (state.open ? query.call(client, conn, obj) : refused()),
    stream: (...args: Parameters<Knex.Client['stream']>) => (state.open ? stream.apply(client, args) : refused()),
    acquireConnection: () => Promise.resolve(connection),
    releaseConnection: () => Promise.resolve(),
  });
  const knex = makeKnex(client);
  const context = (knex as unknown as { context: KnexContext }).context;
  // As knex's own transactions do: a nested one is a savepoint, and rolling it back rejects only with an error.
  context.transaction = (container: unknown, config?: object) => context._transaction(container, { doNotRejectOnRollback: true, ...config }, null);
  const trx = Object.assign(knex, {
    isTransaction: true, isCompleted: () => !state.open, commit: managed, rollback: managed,
    savepoint: (container: (t: Knex.Transaction) => Promise<unknown>) => knex.transaction(container),
  }) as unknown as Knex.Transaction;
  const entry = { trx, client, state };
  kept.set(connection, entry);
  return entry;
}

/** Runs `fn` in a transaction: committed when it returns, rolled back when it throws (its error is what rejects). */
export async function onOneConnection<T>(db: Knex, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  const connection = await db.client.acquireConnection() as Connection;
  const { trx, client, state } = keptFor(db, connection);
  state.open = true;
  try {
    await client.query(connection, 'BEGIN;');
    let out: T;
    try {
      out = await fn(trx);
    } catch (err) {
      // A connection that cannot even roll back is not given to anyone else (knex's pool drops it).
      await client.query(connection, 'ROLLBACK').catch((failure: unknown) => { connection.__knex__disposed = failure; });
      throw err;
    }
    await client.query(connection, 'COMMIT;');
    return out;
  } finally {
    state.open = false;
    await db.client.releaseConnection(connection);
  }
}
