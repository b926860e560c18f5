// The database layer: a statement whose plan the server has cached keeps working after a
// migration changes its table (PostgreSQL re-plans it), and int8 counts are numbers on both drivers.
import { expect } from 'chai';
import { createTestApp } from 'lectern';

describe('database', () => {
  it('keeps a repeated query working across a schema change, with numeric counts', async () => {
    const t = await createTestApp();
    try {
      await t.db.schema.createTable('core_probe', (tb) => { tb.increments('id'); tb.text('name'); });
      await t.db('core_probe').insert([{ name: 'a' }, { name: 'b' }]);
      const read = () => t.db('core_probe').where({ id: 1 }).first();
      expect(await read()).to.deep.equal({ id: 1, name: 'a' });
      expect(await read()).to.deep.equal({ id: 1, name: 'a' });
      await t.db.schema.alterTable('core_probe', (tb) => { tb.text('extra').defaultTo('x'); });
      expect(await read()).to.deep.equal({ id: 1, name: 'a', extra: 'x' });
      expect(await read()).to.deep.equal({ id: 1, name: 'a', extra: 'x' });
      expect(await t.db('core_probe').count({ n: '*' }).first()).to.deep.equal({ n: 2 });
    } finally {
      await t.close();
    }
  });
});
