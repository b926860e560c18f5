// Runtime plugin switching and settings, as administrators use them over HTTP, with
// a second app instance on the same database standing in for another server behind the balancer.
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';
import { countWords } from '../../examples/hello-plugin';
import { eventually } from './helpers';

describe('plugins at runtime', () => {
  let a: TestApp;
  let b: TestApp;
  beforeEach(async () => {
    a = await createTestApp({ plugins: ['hello-plugin'] });
    b = await createTestApp({ plugins: ['hello-plugin'], shareWith: a });
    await a.grant('root', 'admin');
  });
  afterEach(async () => {
    await b.close();
    await a.close();
  });

  it('disabling a plugin makes its routes 404 on every instance within 5 s, and enabling brings them back', async () => {
    expect((await b.get('/hello')).status).to.equal(200);
    const res = await a.as('root').patch('/api/v1/plugins/hello').send({ enabled: false });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ name: 'hello', enabled: false });
    expect((await a.as('root').get('/api/v1/plugins')).body.items).to.deep.include(res.body);
    expect((await a.get('/hello')).status).to.equal(404);
    const ms = await eventually(async () => (await b.get('/hello')).status === 404, 5000);
    expect(ms).to.be.below(5000);
    await a.as('root').patch('/api/v1/plugins/hello').send({ enabled: true });
    await eventually(async () => (await b.get('/hello')).status === 200, 5000);
    const audit = await a.as('root').get('/api/v1/audit?targetType=plugin');
    expect(audit.body.items.map((r: { action: string; actorId: string }) => [r.action, r.actorId]))
      .to.deep.equal([['plugins.enable', 'root'], ['plugins.disable', 'root']]);
  });

  it("pauses a disabled plugin's jobs and keeps its data", async () => {
    await a.grant('writer', 'instructor');
    await a.as('root').patch('/api/v1/plugins/hello').send({ enabled: false });
    await eventually(async () => !b.app.isEnabled('hello'));
    const [row] = await a.db('hello_greetings').insert({ message: 'kept while off' }).returning('id');
    const job = await a.app.contextOf('hello').enqueue(countWords, { id: String(row.id) });
    await new Promise((r) => setTimeout(r, 600));
    expect((await a.app.jobs.get(job.id))?.state).to.equal('waiting');
    await a.as('root').patch('/api/v1/plugins/hello').send({ enabled: true });
    await eventually(async () => (await a.app.jobs.get(job.id))?.state === 'completed', 8000);
    expect(await a.db('hello_greetings').where({ id: row.id }).first('words')).to.deep.equal({ words: 3 });
  });

  it('validates settings against the plugin schema and shares changes between instances', async () => {
    expect((await a.as('root').get('/api/v1/settings/hello')).body).to.deep.equal({ greeting: 'Hello from Lectern' });
    const bad = await a.as('root').patch('/api/v1/settings/hello').send({ greeting: '', colour: 'red' });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors).to.have.deep.members([
      { path: 'body.greeting', message: 'must NOT have fewer than 1 characters' },
      { path: 'body.colour', message: 'is not allowed' },
    ]);
    const good = await a.as('root').patch('/api/v1/settings/hello').send({ greeting: 'Welcome aboard' });
    expect([good.status, good.body]).to.deep.equal([200, { greeting: 'Welcome aboard' }]);
    await eventually(async () => (await b.get('/hello')).text.includes('Welcome aboard'));
  });
});
