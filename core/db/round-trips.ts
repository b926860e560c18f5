// On a busy machine most of the cost of a statement is its round trip: the system calls that carry it to
// PostgreSQL and back. A transaction pays two that carry almost nothing — its BEGIN, and its last rows
// (audit records, change notices: sync.ts insertLast) just before COMMIT. Here BEGIN waits and travels
// with the transaction's first statement, and the last rows travel with COMMIT: each pair in one message of
// PostgreSQL's simple protocol, its values written as literals by pg's own escaping. A statement that
// cannot be written so (dollar quoting, binary values, a NUL), or that asked to keep its prepared plan, is sent
// as before, after whatever waited.
import { escapeLiteral } from 'pg';

// pg's own conversion of a JS value to the text it sends as a parameter (dates, arrays, JSON, …).
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (value: unknown) => unknown };

/** Statements one connection holds back until it sends the next one. */
interface Waiting { begin: boolean; last: string[] }

export interface Statement { sql: string; bindings: readonly unknown[] }
type Send = (sql: string) => Promise<unknown>;

/** pg's answer to a statement that was not sent (yet): what knex reads of it. */
const held = (command: string) => ({ command, rowCount: null, rows: [], fields: [] });

export class RoundTrips {
  private readonly waiting = new WeakMap<object, Waiting>();

  /**
   * What to answer for `statement` on `connection` without sending it (BEGIN, a last row), or undefined
   * when it must be sent — then `send` carries it with whatever waited, and gives back its own answer.
   */
  hold(connection: object, statement: Statement, last: boolean): object | undefined {
    if (statement.sql === 'BEGIN;') {
      this.waiting.set(connection, { begin: true, last: [] });
      return held('BEGIN');
    }
    const waiting = this.waiting.get(connection);
    const sql = last && waiting ? inline(statement) : undefined;
    if (!waiting || sql === undefined) return undefined;
    waiting.last.push(sql);
    return held('INSERT');
  }

  /** Whether `statement` carries what `connection` holds back. */
  carries(connection: object, statement: Statement): boolean {
    const waiting = this.waiting.get(connection);
    return waiting !== undefined && (waiting.begin || ENDS.test(statement.sql));
  }

  /**
   * Sends `statement` with what waited before it; its own answer comes back. `prepared`: the statement asked
   * to be prepared (a costly plan, run often), so it keeps its plan and what waited goes just before it.
   */
  async send(connection: object, statement: Statement, prepared: boolean, sendSimple: Send, sendAlone: () => Promise<unknown>): Promise<unknown> {
    const waiting = this.waiting.get(connection) as Waiting;
    const ending = ENDS.test(statement.sql);
    const committing = statement.sql === 'COMMIT;';
    const front = [...(waiting.begin ? ['BEGIN'] : []), ...(committing ? waiting.last : [])];
    if (ending) this.waiting.delete(connection);
    else waiting.begin = false;
    const own = prepared ? undefined : inline(statement);
    try {
      if (own === undefined) {
        if (front.length) await sendSimple(front.join(';\n'));
        return await sendAlone();
      }
      if (!front.length) return await sendAlone();
      const answers = await sendSimple([...front, own].join(';\n')) as object[];
      const mine = answers.slice(front.length);
      return mine.length === 1 ? mine[0] : mine;
    } catch (err) {
      // A failed last row (or COMMIT) leaves the transaction open and aborted: end it before the connection goes back.
      if (committing) await sendSimple('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }
}

/** How knex ends a transaction (`ROLLBACK TO SAVEPOINT …` ends only a nested one, and holds nothing back). */
const ENDS = /^(COMMIT;|ROLLBACK)$/;

/** `sql` with each `$n` replaced by its value as a literal; undefined when that cannot be done safely. */
export function inline(statement: Statement): string | undefined {
  const sql = statement.sql.replace(/;\s*$/, '');
  const literals: string[] = [];
  for (const value of statement.bindings) {
    const text = prepareValue(value);
    if (text === null) literals.push('NULL');
    // A NUL would end the simple protocol's query text early; as a parameter PostgreSQL refuses it cleanly.
    else if (typeof text === 'string' && !text.includes('\u0000')) literals.push(escapeLiteral(text));
    else return undefined;
  }
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      // E'…' strings read backslashes as escapes, so their end cannot be found by quotes alone.
      if (c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/[\w$]/.test(sql[i - 2] ?? '')) return undefined;
      const end = closing(sql, i);
      if (end < 0) return undefined;
      out += sql.slice(i, end + 1);
      i = end + 1;
    } else if (c === '$') {
      const m = /^\$(\d+)/.exec(sql.slice(i, i + 12));
      const literal = m ? literals[Number(m[1]) - 1] : undefined;
      if (!m || literal === undefined) return undefined; // dollar quoting, or a placeholder without a value
      out += literal;
      i += m[0].length;
    } else if ((c === '-' && sql[i + 1] === '-') || (c === '/' && sql[i + 1] === '*') || c === ';') {
      return undefined; // comments and several statements: sent as they are
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** The index of the quote that closes the one at `start` (a doubled quote is part of the text). */
function closing(sql: string, start: number): number {
  const quote = sql[start];
  let i = start + 1;
  for (;;) {
    const at = sql.indexOf(quote, i);
    if (at < 0) return -1;
    if (sql[at + 1] !== quote) return at;
    i = at + 2;
  }
}
