// A transaction's knex instance is kept with its pooled connection and used again by the next
// transaction on it (core/db/transaction.ts): nothing of one transaction may reach another. A query
// through a finished one is refused; a rolled-back one's commit hooks and last rows never run; many at
// once each keep their own; a nested transaction is still a savepoint.
import { expect } from 'chai';
import { createTestApp, type Knex, type TestApp } from 'lectern';
import { afterCommit, insertLast, withTransaction } from '../../core/sync';

describe('transactions on a kept connection', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await t.app.database.knex.schema.createTable('kept_entries', (table) => { table.increments('id'); table.text('name').notNullable(); });
  });
  after(() => t.close());

  it('keeps each transaction to itself: a finished one refuses queries, a rolled-back one leaves nothing, concurrent ones keep their own', async () => {
    const db = t.app.database.knex;
    let finished: Knex.Transaction | undefined;
    await withTransaction(db, async (trx) => {
      finished = trx;
      await trx('kept_entries').insert({ name: 'first' });
    });
    const late = await Promise.resolve(finished?.('kept_entries').select('name')).then(() => 'ran', (err: Error) => err.message);
    expect(late).to.match(/this transaction is over/);
    expect(() => finished?.commit()).to.throw(/commits when its function returns/);

    const hooks: string[] = [];
    await withTransaction(db, async (trx) => {
      await trx('kept_entries').insert({ name: 'undone' });
      await afterCommit(trx, () => { hooks.push('undone'); });
      await insertLast(trx, 'core_audit', [{ action: 'kept.undone', details: '{}' }]);
      throw new Error('roll it back');
    }).catch(() => undefined);
    await Promise.all(Array.from({ length: 12 }, (_, i) => withTransaction(db, async (trx) => {
      await trx('kept_entries').insert({ name: `kept ${i}` });
      await afterCommit(trx, () => { hooks.push(`kept ${i}`); });
      await insertLast(trx, 'core_audit', [{ action: 'kept.save', details: JSON.stringify({ i }) }]);
      await trx.transaction(async (inner) => {
        await inner('kept_entries').insert({ name: `inner ${i}` });
        throw new Error('undo the savepoint only');
      }).catch(() => undefined);
    })));

    const names = (await db('kept_entries').orderBy('id').pluck('name')).sort();
    const kept = Array.from({ length: 12 }, (_, i) => `kept ${i}`);
    expect(names).to.deep.equal(['first', ...kept].sort());
    expect(hooks.sort()).to.deep.equal([...kept].sort());
    const audited = await db('core_audit').whereIn('action', ['kept.save', 'kept.undone']).select('action', 'details');
    expect(audited.filter((r: { action: string }) => r.action === 'kept.undone')).to.have.length(0);
    expect(audited.map((r: { details: { i: number } }) => r.details.i).sort((a: number, b: number) => a - b)).to.deep.equal(kept.map((_, i) => i));
  });
});
