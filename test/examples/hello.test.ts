// The example plugin's own test, as its author writes it: the real core with hello installed,
// personas for the people involved, and one check per part of the plugin — its cache dropped by an
// in-process subscriber, its summary kept by a durable one, its service, extension point, nav link and
// admin page.
import { expect } from 'chai';
import { createTestApp, type Persona, type TestApp } from 'lectern';
import { greeted, HelloGreetings, salutations } from '../../examples/hello-plugin';

/** The paths the main navigation links to. */
const navOf = (html: string) => [.../<nav class="site-nav"[\s\S]*?<\/nav>/.exec(html)?.[0].matchAll(/href="([^"]+)"/g) ?? []].map((m) => m[1]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('examples/hello-plugin', () => {
  let t: TestApp;
  let ivy: Persona;
  let lea: Persona;
  const hello = () => t.app.contextOf('hello');
  /** Greetings counted by the durable subscriber, over every day. */
  const counted = async () => (await hello().resolve(HelloGreetings).daily(100)).reduce((n, d) => n + d.greetings, 0);

  before(async () => {
    t = await createTestApp({ plugins: ['hello-plugin'] });
    ivy = await t.persona('ivy', 'instructor');
    lea = await t.persona('lea', 'learner');
    await t.persona('ada', 'admin');
  });
  after(() => t.close());

  it('shows a new greeting at once: the in-process subscriber drops the cached one', async () => {
    expect((await t.get('/hello')).text).to.contain('Nobody has said anything yet.');
    const res = await ivy.post('/api/v1/hello/greetings').send({ message: 'hello, world' }).expect(201);
    expect(res.body).to.include({ message: 'hello, world', createdBy: ivy.id });
    expect((await t.get('/hello')).text).to.contain('<q>hello, world</q>');
    await lea.post('/api/v1/hello/greetings').send({ message: 'me too' }).expect(403);
  });

  it('counts greetings per day in a durable subscriber, run as the job hello.on.hello.greeted', async () => {
    await ivy.post('/api/v1/hello/greetings').send({ message: 'good morning' }).expect(201);
    await t.jobs.drain();
    expect(await counted()).to.equal(2);
    const { items } = await t.app.jobs.list({ limit: 50 });
    expect(items.filter((j) => j.name === 'hello.on.hello.greeted').map((j) => j.state)).to.deep.equal(['completed', 'completed']);

    // A delivery that runs twice counts once.
    const [latest] = await t.db('hello_greetings').orderBy('id', 'desc').limit(1).pluck('id');
    await t.emit(greeted, { id: String(latest), message: 'good morning' });
    await t.jobs.drain();
    expect(await counted()).to.equal(2);
  });

  it('holds durable deliveries while the plugin is disabled and runs them when it is enabled again', async () => {
    await t.app.setEnabled('hello', false);
    const [row] = await t.db('hello_greetings').insert({ message: 'said while away' }).returning('id');
    await t.emit(greeted, { id: String(row.id), message: 'said while away' });
    await sleep(300);
    expect(await counted()).to.equal(2);
    await t.app.setEnabled('hello', true);
    await t.jobs.drain();
    expect(await counted()).to.equal(3);
  });

  it('offers its service and reads its extension point, to which it contributes', async () => {
    expect((await hello().resolve(HelloGreetings).latest())?.message).to.equal('said while away');
    expect(hello().extensions(salutations).map((s) => s.text)).to.deep.equal(['Bonjour', 'Hola']);
    expect((await t.get('/hello')).text).to.contain('<span lang="fr">Bonjour</span>');
  });

  it('links its page in the navigation of those who may read greetings', async () => {
    const nav = async (as?: string) => navOf((await (as ? t.as(as) : t).get('/').set('Accept', 'text/html')).text);
    expect(await nav('lea')).to.include('/hello');
    expect(await nav('stranger')).to.deep.equal(['/']);
    expect(await nav()).to.deep.equal(['/']);
  });

  it('serves its admin page to those holding hello:manage, and only to them', async () => {
    const page = await t.as('ada').get('/admin/hello').expect(200);
    expect(page.text).to.contain('class="day-count"').and.contain('said while away');
    expect(navOf(page.text)).to.include('/admin/hello');
    await lea.get('/admin/hello').expect(403);
    await t.as('ada').get('/admin/hello?cursor=nonsense').expect(400);
  });
});
