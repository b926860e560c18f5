// The example plugin boots from examples/ by name, like an outside plugin: its migration, route,
// permission, job, event, audit record and view all work through the public API alone.
import { expect } from 'chai';
import { createTestApp, definePlugin, on, type TestApp } from 'lectern';
import hello, { greeted } from '../../examples/hello-plugin';

describe('the example plugin', () => {
  let t: TestApp;
  const heard: string[] = [];
  const listener = definePlugin({
    name: 'listener', version: '1.0.0', core: '^1.0.0', dependsOn: ['hello'],
    subscribe: [on(greeted, async (payload) => { heard.push(payload.message); })],
  });
  before(async () => {
    t = await createTestApp({ plugins: ['hello-plugin', listener] });
    await t.grant('writer', 'instructor');
    await t.grant('reader', 'learner');
  });
  after(() => t.close());

  it('stores a greeting, audits it, emits its event after commit and counts its words in a job', async () => {
    expect(t.app.plugins.map((p) => p.name)).to.deep.equal(['hello', 'listener']);
    expect(t.app.plugins[0]).to.equal(hello);
    const res = await t.as('writer').post('/api/v1/hello/greetings').send({ message: 'good morning, dear learners' });
    expect(res.status).to.equal(201);
    expect(heard).to.deep.equal(['good morning, dear learners']);
    await t.jobs.drain();
    const read = await t.as('reader').get(`/api/v1/hello/greetings/${res.body.id}`);
    expect(read.body).to.deep.include({ id: res.body.id, message: 'good morning, dear learners', words: 4, createdBy: 'writer' });
    expect((await t.as('reader').post('/api/v1/hello/greetings').send({ message: 'hi' })).status).to.equal(403);
    const [record] = (await t.app.audit.list({ action: 'hello.greeting.create', limit: 5 })).items;
    expect(record).to.deep.include({ actorId: 'writer', targetType: 'greeting', targetId: res.body.id, ip: '127.0.0.1' });
  });

  it('renders its view inside the theme layout', async () => {
    const page = await t.get('/hello');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('<title>Hello from Lectern · Lectern</title>').and.to.contain('<q>good morning, dear learners</q>');
  });

  it('lets a theme override its view', async () => {
    const themed = await createTestApp({ plugins: ['hello-plugin'], config: { theme: 'contrast' } });
    try {
      const page = await themed.get('/hello');
      expect(page.text).to.contain('hello--contrast').and.to.contain('No greetings yet.').and.not.to.contain('<q>');
    } finally {
      await themed.close();
    }
  });
});
