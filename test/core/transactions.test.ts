// Work done in a transaction is all-or-nothing: its audit record, its events and its jobs exist only
// if it commits; a failing subscriber never fails the emitter; the audit trail cannot be rewritten.
import { expect } from 'chai';
import {
  conflict, createTestApp, defineEvent, defineJob, definePlugin, defineRoute, on, reply, Type, type TestApp,
} from 'lectern';

const saved = defineEvent<{ name: string }>('ledger.saved');
const echo = defineJob({ name: 'ledger.echo', payload: Type.Object({ name: Type.String() }), handler: async ({ name }) => name });
const heard: string[] = [];
const ledger = definePlugin({
  name: 'ledger', version: '1.0.0', core: '^1.0.0', events: [saved], jobs: [echo],
  routes: [defineRoute({
    method: 'POST', path: '/api/v1/ledger', authenticated: true,
    body: Type.Object({ name: Type.String(), fail: Type.Boolean() }),
    summary: 'Save an entry (or fail after writing it)', responses: { 201: Type.Object({ name: Type.String() }) }, errors: [409],
    handler: async (req) => {
      await req.transaction(async (tx) => {
        await tx.audit({ action: 'ledger.save', target: { type: 'entry', id: req.body.name } });
        tx.emit(saved, { name: req.body.name });
        await tx.enqueue(echo, { name: req.body.name });
        if (req.body.fail) throw conflict(`${req.body.name} clashes`);
      });
      return reply.created({ name: req.body.name });
    },
  })],
  subscribe: [
    on(saved, async () => { throw new Error('a broken subscriber'); }),
    on(saved, async ({ name }) => { heard.push(name); }),
  ],
});

describe('transactions, events and the audit trail', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ plugins: [ledger] });
    await t.grant('auditor', 'admin');
  });
  after(() => t.close());

  it('emits, enqueues and audits only what commits, and a failing subscriber does not fail the request', async () => {
    expect((await t.as('clerk').post('/api/v1/ledger').send({ name: 'kept', fail: false })).status).to.equal(201);
    const refused = await t.as('clerk').post('/api/v1/ledger').send({ name: 'dropped', fail: true });
    expect([refused.status, refused.body.detail]).to.deep.equal([409, 'dropped clashes']);
    await t.jobs.drain();
    expect(heard).to.deep.equal(['kept']);
    const jobs = await t.app.jobs.list({ limit: 10 });
    expect(jobs.items.map((j) => [j.name, j.result, j.createdBy])).to.deep.equal([['ledger.echo', 'kept', 'clerk']]);
    const audit = await t.as('auditor').get('/api/v1/audit?action=ledger.save');
    expect(audit.body.items.map((r: { targetId: string; actorId: string }) => [r.targetId, r.actorId])).to.deep.equal([['kept', 'clerk']]);
  });

  it('keeps the audit trail append-only, filtered and paginated', async () => {
    for (const name of ['a', 'b', 'c']) await t.as('clerk').post('/api/v1/ledger').send({ name, fail: false });
    const page1 = await t.as('auditor').get('/api/v1/audit?action=ledger.save&limit=2');
    expect(page1.body.items.map((r: { targetId: string }) => r.targetId)).to.deep.equal(['c', 'b']);
    const page2 = await t.as('auditor').get(`/api/v1/audit?action=ledger.save&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((r: { targetId: string }) => r.targetId)).to.deep.equal(['a', 'kept']);
    expect(page2.body.nextCursor).to.equal(null);
    const badCursor = await t.as('auditor').get('/api/v1/audit?cursor=abc&since=yesterday');
    expect(badCursor.body.errors.map((e: { path: string }) => e.path)).to.have.members(['query.cursor', 'query.since']);
    expect((await t.as('clerk').get('/api/v1/audit')).status).to.equal(403);
    const rewrite = await t.db('core_audit').update({ action: 'forged' }).catch((e: Error) => e.message);
    expect(rewrite).to.contain('core_audit is append-only');
    const erase = await t.db('core_audit').delete().catch((e: Error) => e.message);
    expect(erase).to.contain('core_audit is append-only');
  });
});
