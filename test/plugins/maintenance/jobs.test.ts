// The jobs pages and the job removal API: the jobs list by state with the cron schedules and their next
// run, a failed job retried from its page and removed only after the confirmation page (audited), a
// running job that cannot be removed (409), and a person's own job page showing an import's result to
// whoever started it and to nobody else.
import { expect } from 'chai';
import { createTestApp, defineJob, definePlugin, Type, type Persona, type TestApp } from 'lectern';
import { eventually } from '../../core/helpers';

/** Fails while `failing` is set; `hold` keeps a run going until released. */
const state = { failing: true, release: () => undefined as void, held: Promise.resolve() };
const flaky = defineJob({
  name: 'chores.flaky', payload: Type.Object({ room: Type.String() }), attempts: 1,
  async handler(p) {
    if (state.failing) throw new Error(`the ${p.room} is locked`);
    return { swept: p.room };
  },
});
const slow = defineJob({ name: 'chores.slow', payload: Type.Object({}), attempts: 1, handler: async () => { await state.held; return {}; } });
const nightly = defineJob({ name: 'chores.nightly', payload: Type.Object({}), schedule: { cron: '0 3 * * *', payload: {} }, handler: async () => ({}) });
const chores = definePlugin({ name: 'chores', version: '1.0.0', core: '^1.0.0', jobs: [flaky, slow, nightly] });

describe('maintenance: the jobs pages', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: Persona;
  let learner: Persona;
  const text = (res: { text: string }) => res.text.replace(/\s+/g, ' ').replace(/&quot;/g, '"').replace(/&#x3D;/g, '=');
  const unlabelled = (html: string) => [...html.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g)].map((m) => m[1]).filter((id) => !html.includes(`<label for="${id}">`));
  const page = (id: string) => `/admin/jobs/${encodeURIComponent(id)}`;
  const enqueue = async (job: typeof flaky | typeof slow, payload: Record<string, string>) => t.app.contextOf('chores').enqueue(job, payload);

  before(async () => {
    t = await createTestApp({ plugins: ['auth', 'maintenance', chores] });
    admin = await t.persona('Ada Admin', 'admin');
    learner = await t.persona('Lee Learner', 'learner');
  });
  after(() => t?.close());

  it('retries a failed job from its page, and removes it only after the confirmation page', async () => {
    state.failing = true;
    const job = await enqueue(flaky, { room: 'attic' });
    await t.jobs.drain();
    const failedList = text(await admin.get('/admin/jobs?state=failed'));
    const shown = await admin.get(page(job.id));
    const refused = await learner.get(page(job.id));
    state.failing = false;
    const retried = await admin.post(`${page(job.id)}/retry`).type('form').send({});
    await t.jobs.drain();
    const done = text(await admin.get(page(job.id)));
    const confirm = await admin.get(`${page(job.id)}/remove`);
    const stillThere = (await admin.get(`/api/v1/jobs/${encodeURIComponent(job.id)}`)).status;
    const removed = await admin.post(`${page(job.id)}/remove`).type('form').send({});
    const audited = await t.db('core_audit').whereIn('action', ['jobs.retry', 'jobs.remove']).orderBy('id').select('action', 'actor_id', 'target_id');
    expect({
      failedList: [failedList.includes(`href="${page(job.id)}"`), failedList.includes('the attic is locked'), failedList.includes('<td><code>chores.flaky</code></td>')],
      shown: [shown.status, text(shown).includes('<dt>Error</dt><dd>the attic is locked</dd>'), text(shown).includes('"room": "attic"'), text(shown).includes('>Retry</button>'), unlabelled(shown.text)],
      refused: refused.status,
      retried: [retried.status, retried.headers.location],
      done: [done.includes('Finished'), done.includes('"swept": "attic"'), done.includes('>Retry</button>')],
      confirm: [confirm.status, text(confirm).includes('Remove this job?'), stillThere],
      removed: [removed.status, removed.headers.location, (await admin.get(`/api/v1/jobs/${encodeURIComponent(job.id)}`)).status, (await admin.get(page(job.id))).status],
      audited: audited.map((a) => [a.action, a.actor_id, a.target_id]),
    }).to.deep.equal({
      failedList: [true, true, true],
      shown: [200, true, true, true, []],
      refused: 403,
      retried: [303, `${page(job.id)}?done=retried`],
      done: [true, true, false],
      confirm: [200, true, 200],
      removed: [303, '/admin/jobs?done=removed', 404, 404],
      audited: [['jobs.retry', admin.id, job.id], ['jobs.remove', admin.id, job.id]],
    });
  });

  it('refuses to remove a running job (409), through the API and the page, and removes it once finished', async () => {
    state.held = new Promise<void>((resolve) => { state.release = resolve; });
    const job = await enqueue(slow, {});
    await eventually(async () => (await t.app.jobs.get(job.id))?.state === 'active', 10_000);
    const api = await admin.delete(`/api/v1/jobs/${encodeURIComponent(job.id)}`);
    const form = await admin.post(`${page(job.id)}/remove`).type('form').send({});
    const byLearner = await learner.delete(`/api/v1/jobs/${encodeURIComponent(job.id)}`);
    state.release();
    await t.jobs.drain();
    const later = await admin.delete(`/api/v1/jobs/${encodeURIComponent(job.id)}`);
    const again = await admin.delete(`/api/v1/jobs/${encodeURIComponent(job.id)}`);
    expect({
      api: [api.status, api.body.detail], form: [form.status, text(form).includes('is running; it can be removed once it has finished')],
      byLearner: byLearner.status, later: later.status, again: again.status,
    }).to.deep.equal({
      api: [409, `job ${job.id} is running; it can be removed once it has finished`], form: [409, true],
      byLearner: 403, later: 204, again: 404,
    });
  });

  it('lists the jobs with a cron schedule and their next run', async () => {
    const html = text(await admin.get('/admin/jobs'));
    const next = t.app.jobs.schedules().find((s) => s.name === 'chores.nightly');
    expect(next?.cron).to.equal('0 3 * * *');
    expect(new Date(next?.nextRunAt ?? 0).getTime()).to.be.above(Date.now());
    expect(html).to.include('<td><code>chores.nightly</code></td> <td>chores</td> <td><code>0 3 * * *</code></td>');
  });

  it("shows an import's result on its job page to whoever started it, and to nobody else", async () => {
    const started = await admin.post('/api/v1/users/import').set('Content-Type', 'text/csv')
      .send(Buffer.from('email,name\nnew@import.test,New Person\nnot-an-email,Bad Row\n'));
    expect(started.status).to.equal(202);
    await t.jobs.drain();
    const id = started.body.job.id as string;
    const own = await admin.get(`/jobs/${encodeURIComponent(id)}`);
    const html = text(own);
    const other = await learner.get(`/jobs/${encodeURIComponent(id)}`);
    expect({
      own: [own.status, html.includes('<dt>Created</dt><dd>1</dd>'), html.includes('<dt>Updated</dt><dd>0</dd>'),
        /<h2 id="result-0-title">Failed \(1\)<\/h2>.*<th scope="col">Line<\/th><th scope="col">Error<\/th>.*<td>3<\/td><td>[^<]+<\/td>/.test(html)],
      other: other.status,
      location: started.headers.location,
    }).to.deep.equal({ own: [200, true, true, true], other: 404, location: `/api/v1/jobs/${encodeURIComponent(id)}` });
  });
});
