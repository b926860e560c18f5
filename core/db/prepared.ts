// PostgreSQL plans a statement every time it is sent unnamed. Naming the statements the query
// builder generates lets each connection parse and plan them once — most of the database's cost
// for the short queries an LMS serves. Raw SQL (which may hold several statements) stays unnamed
// unless it asks with `.options({ prepare: true })` (one statement, run often); the set of names is
// bounded; a plan invalidated by a schema change is re-prepared under a new name.
import type { Knex } from 'knex';
import { RoundTrips } from './round-trips';

const PgClient = require('knex/lib/dialects/postgres/index.js') as typeof Knex.Client;

interface CompiledQuery { sql?: string; bindings?: unknown[]; method?: string; options?: Record<string, unknown>; response?: unknown }
type QueryFn = (this: Knex.Client, connection: unknown, obj: CompiledQuery) => Promise<CompiledQuery>;
const baseQuery = (PgClient.prototype as unknown as { _query: QueryFn })._query;

const PREPARABLE = new Set(['select', 'first', 'pluck', 'insert', 'update', 'del', 'delete', 'counter']);
const MAX_NAMES = 2000;
/** SQLSTATE 0A000 "cached plan must not change result type": the table changed under the plan. */
const STALE_PLAN = '0A000';

/**
 * SQL text → statement name, shared by every pool of the process. (Module state on purpose: knex
 * builds transaction clients with Object.create(prototype), so instance fields would be missing there.)
 */
const names = new Map<string, string>();
let generation = 0;
const roundTrips = new RoundTrips();

export class PreparingPgClient extends PgClient {
  /** Sends `obj` — with what its transaction held back (round-trips.ts), named when it is worth preparing. */
  async _query(connection: object, obj: CompiledQuery): Promise<CompiledQuery> {
    const statement = { sql: obj.sql ?? '', bindings: obj.bindings ?? [] };
    const { last, ...options } = obj.options ?? {};
    obj.options = options;
    const held = roundTrips.hold(connection, statement, last === true);
    if (held) return Object.assign(obj, { response: held });
    if (!roundTrips.carries(connection, statement)) return this.named(connection, obj);
    const simple = async (sql: string) => (await baseQuery.call(this, connection, { sql, bindings: [] })).response;
    const response = await roundTrips.send(connection, statement, options.prepare === true, simple, async () => (await this.named(connection, obj)).response);
    return Object.assign(obj, { response });
  }

  private named(connection: unknown, obj: CompiledQuery): Promise<CompiledQuery> {
    const run = (o: CompiledQuery) => baseQuery.call(this, connection, o);
    const { prepare, ...options } = obj.options ?? {};
    const name = nameFor(obj, prepare === true);
    if (!name) return run(obj);
    obj.options = { ...options, name };
    return run(obj).catch((err: { code?: string }) => {
      if (err.code !== STALE_PLAN) throw err;
      names.delete(obj.sql as string);
      generation += 1;
      obj.options = options;
      return run(obj);
    });
  }

}

function nameFor(obj: CompiledQuery, asked: boolean): string | undefined {
  if (!obj.sql || !obj.method || !(PREPARABLE.has(obj.method) || (asked && obj.method === 'raw')) || obj.options?.name) return undefined;
  let name = names.get(obj.sql);
  if (!name && names.size < MAX_NAMES) {
    name = `lectern_${generation}_${names.size}`;
    names.set(obj.sql, name);
  }
  return name;
}
