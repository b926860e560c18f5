// System status and the jobs API of the maintenance plugin: what is running (drivers, migrations, queue
// counts and warnings, maintenance mode, plugins), for system:view only; and jobs seen by whoever started
// them, every job by holders of maintenance:jobs.
import { expect } from 'chai';
import { createTestApp, defineJob, definePlugin, JobAccepted, reply, Type, defineRoute, type TestApp } from 'lectern';
import { onPostgres, onRedis } from '../../core/helpers';

const chore = defineJob({ name: 'chores.sweep', payload: Type.Object({ room: Type.String() }), handler: async (p) => ({ swept: p.room }) });
const chores = definePlugin({
  name: 'chores', version: '1.0.0', core: '^1.0.0', jobs: [chore],
  routes: [defineRoute({
    method: 'POST', path: '/api/v1/chores', authenticated: true, body: Type.Object({ room: Type.String({ maxLength: 20 }) }),
    summary: 'Queue a sweep', responses: { 202: JobAccepted },
    handler: async (req) => reply.accepted(await req.transaction((tx) => tx.enqueue(chore, { room: req.body.room }))),
  })],
});

describe('maintenance: system status and jobs', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ plugins: ['hello-plugin', 'maintenance', chores] });
    await t.grant('root', 'admin');
  });
  after(() => t?.close());

  it('reports the system status with the drivers in use', async () => {
    const { body } = await t.as('root').get('/api/v1/system/status');
    expect(body).to.deep.include({
      version: '1.0.0',
      db: { driver: onPostgres ? 'postgres' : 'pglite', pendingMigrations: 0 },
      maintenance: { enabled: false, message: null, until: null },
      plugins: [{ name: 'hello', version: '1.0.0', enabled: true }, { name: 'maintenance', version: '1.0.0', enabled: true }, { name: 'chores', version: '1.0.0', enabled: true }],
    });
    expect(body.queue).to.deep.include({
      driver: onRedis ? 'bullmq' : 'inline',
      store: onRedis ? 'redis' : onPostgres ? 'postgres' : 'pglite',
    });
    // This machine's Redis keeps nothing on disk: the status must say that queued jobs are at risk.
    expect(body.queue.warnings.join(' ')).to.match(onRedis ? /appendonly|AOF/i : /^$/);
    expect(body.queue.counts).to.have.keys('waiting', 'active', 'completed', 'failed', 'delayed');
    expect((await t.as('nobody').get('/api/v1/system/status')).status).to.equal(403);
  });

  it("shows each person their own jobs and every job to holders of maintenance:jobs; another's job is a 404", async () => {
    const queued = await t.as('ann').post('/api/v1/chores').send({ room: 'hall' });
    expect(queued.status).to.equal(202);
    await t.jobs.drain();
    const id = queued.body.job.id as string;
    const [own, others, all, single, hidden] = await Promise.all([
      t.as('ann').get('/api/v1/jobs'), t.as('bob').get('/api/v1/jobs'), t.as('root').get('/api/v1/jobs?state=completed'),
      t.as('ann').get(`/api/v1/jobs/${encodeURIComponent(id)}`), t.as('bob').get(`/api/v1/jobs/${encodeURIComponent(id)}`),
    ]);
    expect({
      own: own.body.items.map((j: { id: string }) => j.id), others: others.body.items, all: all.body.items.some((j: { id: string }) => j.id === id),
      single: [single.status, single.body.result], hidden: hidden.status,
    }).to.deep.equal({ own: [id], others: [], all: true, single: [200, { swept: 'hall' }], hidden: 404 });
  });
});
