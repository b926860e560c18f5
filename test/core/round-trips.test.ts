// A transaction's BEGIN travels with its first statement and its last rows (audit records, change notices)
// with its COMMIT (core/db/round-trips.ts): values written as literals must read back exactly as
// parameters do, a failing last row must undo the whole transaction and leave the connection clean, and
// on PostgreSQL an audited one-statement write must cost two round trips.
import { expect } from 'chai';
import pg from 'pg';
import { createTestApp, definePlugin, defineRoute, reply, Type, type TestApp } from 'lectern';
import { inline } from '../../core/db/round-trips';
import { insertLast, withTransaction } from '../../core/sync';
import { onPostgres } from './helpers';

const TRICKY: unknown[] = [
  "it's", 'back\\slash \\\' both', 'dollar $1 $$ $tag$', 'line\nbreak\ttab', 'ünïcödé ✓ 🎓', '', null, 0, -12.5, 9007199254740991n,
  true, new Date('2026-12-05T10:11:12.345Z'), ['a', "b'c", null, 'd\\e', '{x,y}'], { nested: { quote: "'", list: [1, null] } },
];

/** The column type each value is read back as. */
const typeOf = (v: unknown) => (v instanceof Date ? 'timestamptz' : Array.isArray(v) ? 'text[]' : v !== null && typeof v === 'object' ? 'jsonb' : 'text');

const ledger = definePlugin({
  name: 'ledger', version: '1.0.0', core: '^1.0.0',
  routes: [defineRoute({
    method: 'POST', path: '/api/v1/ledger', authenticated: true, body: Type.Object({ name: Type.String() }),
    summary: 'Save an entry, audited', responses: { 201: Type.Object({ id: Type.String() }) },
    handler: async (req) => {
      const id = await req.transaction(async (tx) => {
        const [row]: { id: number }[] = await tx.db('ledger_entries').insert({ name: req.body.name }).returning('id');
        await tx.audit({ action: 'ledger.save', target: { type: 'entry', id: String(row.id) } });
        return String(row.id);
      });
      return reply.created({ id });
    },
  })],
});

describe('round trips of a transaction', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ plugins: [ledger] });
    await t.app.database.knex.schema.createTable('ledger_entries', (table) => { table.increments('id'); table.text('name').notNullable(); });
  });
  after(() => t.close());

  it('reads every kind of value back the same whether it was sent as a parameter or written as a literal', async () => {
    const db = t.app.database.knex;
    const select = (placeholder: (i: number) => string) =>
      `select ${TRICKY.map((v, i) => `${placeholder(i)}::${typeOf(v)} as v${i}`).join(', ')}, 'a ''quoted'' $9 text' as q`;
    const bindings = TRICKY.map((v) => (typeof v === 'bigint' ? v.toString() : v));
    const literal = inline({ sql: select((i) => `$${i + 1}`), bindings });
    expect(literal).to.be.a('string');
    const asParameters = await db.raw(select(() => '?'), bindings as never);
    const asLiterals = await db.raw(String(literal).replace(/\?/g, '\\?'));
    expect(asLiterals.rows).to.deep.equal(asParameters.rows);
    expect(asLiterals.rows[0].q).to.equal("a 'quoted' $9 text");
    // What cannot be written safely is left to be sent as it is.
    expect(inline({ sql: 'select $$ $1 $$', bindings: ['x'] })).to.equal(undefined);
    expect(inline({ sql: "select E'\\'' || $1", bindings: ['x'] })).to.equal(undefined);
    expect(inline({ sql: 'select 1; select $1', bindings: ['x'] })).to.equal(undefined);
    expect(inline({ sql: 'select $2', bindings: ['x'] })).to.equal(undefined);
    expect(inline({ sql: 'select $1', bindings: [Buffer.from('x')] })).to.equal(undefined);
    expect(inline({ sql: 'select $1', bindings: ['before\u0000after'] })).to.equal(undefined);
  });

  it('undoes the whole transaction when a last row fails, and every connection stays usable', async () => {
    const db = t.app.database.knex;
    const failure = await withTransaction(db, async (trx) => {
      await trx('ledger_entries').insert({ name: 'undone' });
      await insertLast(trx, 'core_notices', [{ payload: null }]);
    }).then(() => 'committed', (err: Error) => err.message);
    expect(failure).to.match(/null value/);
    const saved = await Promise.all(Array.from({ length: 25 }, (_, i) => t.as('clerk').post('/api/v1/ledger').send({ name: `after ${i}` })));
    expect(saved.map((r) => r.status)).to.deep.equal(saved.map(() => 201));
    const undone = await db('ledger_entries').where({ name: 'undone' }).count('* as n').first();
    expect(Number(undone?.n)).to.equal(0);
    const audited = await db('core_audit').where({ action: 'ledger.save' }).count('* as n').first();
    expect(Number(audited?.n)).to.equal(25);
  });

  it('keeps the last rows of a transaction whose nested transaction rolled back to its savepoint', async () => {
    const db = t.app.database.knex;
    await withTransaction(db, async (trx) => {
      await trx('ledger_entries').insert({ name: 'outer' });
      await insertLast(trx, 'core_audit', [{ action: 'ledger.nested', details: '{}' }]);
      await trx.transaction(async (inner) => {
        await inner('ledger_entries').insert({ name: 'inner' });
        throw new Error('the nested transaction fails');
      }).catch(() => undefined);
    });
    expect(await db('ledger_entries').whereIn('name', ['outer', 'inner']).pluck('name')).to.deep.equal(['outer']);
    expect(Number((await db('core_audit').where({ action: 'ledger.nested' }).count('* as n').first())?.n)).to.equal(1);
  });

  it('sends an audited one-statement write to PostgreSQL in two round trips, and commits it with its audit record', async () => {
    const sent: string[] = [];
    const query = pg.Client.prototype.query;
    const counting = function (this: pg.Client, ...args: Parameters<typeof query>) {
      const config = args[0] as string | { text: string };
      sent.push(typeof config === 'string' ? config : config.text);
      return query.apply(this, args);
    } as typeof query;
    pg.Client.prototype.query = counting;
    let res;
    try {
      res = await t.as('clerk').post('/api/v1/ledger').send({ name: 'counted' });
    } finally {
      pg.Client.prototype.query = query;
    }
    expect(res.status).to.equal(201);
    const mine = sent.filter((s) => /ledger_entries|core_audit|^(BEGIN|COMMIT)/.test(s));
    expect(mine.length).to.equal(onPostgres ? 2 : 0);
    const record = await t.app.database.knex('core_audit').where({ action: 'ledger.save', target_id: res.body.id }).first();
    expect(record?.actor_id).to.equal('clerk');
  });
});
