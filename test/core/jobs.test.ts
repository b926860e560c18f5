// Jobs through the app, on whichever driver this run uses: enqueued from a route (202 + Location),
// retried with backoff until they succeed, visible to their owner, and their payload validated.
import { expect } from 'chai';
import { createTestApp, defineJob, definePlugin, defineRoute, JobAccepted, reply, Type, type TestApp } from 'lectern';

const flaky = defineJob({
  name: 'flaky.work',
  payload: Type.Object({ times: Type.Integer({ minimum: 0 }) }),
  attempts: 4,
  backoffMs: 20,
  async handler({ times }, job) {
    await job.progress(50);
    if (job.attempt <= times) throw new Error(`failing on attempt ${job.attempt}`);
    return { succeededOn: job.attempt };
  },
});
const plugin = definePlugin({
  name: 'flaky', version: '1.0.0', core: '^1.0.0', jobs: [flaky],
  routes: [defineRoute({
    method: 'POST', path: '/api/v1/flaky', authenticated: true, body: Type.Object({ times: Type.Integer() }),
    summary: 'Start a job that fails `times` times', responses: { 202: JobAccepted },
    handler: async (req) => reply.accepted(await req.enqueue(flaky, { times: req.body.times })),
  })],
});

describe('jobs through the app', () => {
  let t: TestApp;
  before(async () => { t = await createTestApp({ plugins: [plugin, 'maintenance'] }); });
  after(() => t.close());

  it('retries a failing job with backoff until it succeeds, and shows it to its owner', async () => {
    const res = await t.as('ann').post('/api/v1/flaky').send({ times: 2 });
    expect(res.status).to.equal(202);
    expect(res.headers.location).to.equal(`/api/v1/jobs/${encodeURIComponent(res.body.job.id)}`);
    await t.jobs.drain();
    const job = await t.as('ann').get(res.headers.location);
    expect(job.body).to.deep.include({ name: 'flaky.work', state: 'completed', attempts: 3, progress: 100, result: { succeededOn: 3 }, createdBy: 'ann' });
    expect((await t.as('bob').get(res.headers.location)).status).to.equal(404);
    expect((await t.as('ann').get('/api/v1/jobs')).body.items.map((j: { id: string }) => j.id)).to.deep.equal([res.body.job.id]);
    expect((await t.as('bob').get('/api/v1/jobs')).body.items).to.deep.equal([]);
  });

  it('fails a job for good after its last attempt, keeping the reason, and retries it on request', async () => {
    const res = await t.as('ann').post('/api/v1/flaky').send({ times: 9 });
    await t.jobs.drain();
    const failed = await t.as('ann').get(res.headers.location);
    expect(failed.body).to.deep.include({ state: 'failed', attempts: 4, error: 'failing on attempt 4' });
    const retried = await t.as('ann').post(`${res.headers.location}/retry`);
    expect(retried.status).to.equal(200);
    await t.jobs.drain();
    expect((await t.as('ann').get(res.headers.location)).body.state).to.equal('failed');
  });

  it('validates the payload when the job is enqueued', async () => {
    const res = await t.as('ann').post('/api/v1/flaky').send({ times: -1 });
    expect(res.status).to.equal(400);
    expect(res.body.errors).to.deep.equal([{ path: 'payload.times', message: 'must be >= 0' }]);
  });
});
