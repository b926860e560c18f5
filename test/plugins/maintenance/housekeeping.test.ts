// Housekeeping of the maintenance plugin, on whichever queue driver runs: with a driven clock, finished
// jobs past keepFinishedJobsDays are pruned and recent ones kept; abandoned upload files are removed and
// fresh ones kept; each run leaves one record; admins can start it, learners not. (Audit retention is the
// privacy plugin's: test/plugins/privacy/retention.test.ts.)
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createTestApp, defineJob, definePlugin, Type, type TestApp } from 'lectern';
import { housekeeping } from '../../../plugins/maintenance/housekeeping';

const DAY_MS = 86_400_000;
const errand = defineJob({
  name: 'errands.run', payload: Type.Object({ fail: Type.Boolean() }), attempts: 1,
  handler: async (p) => {
    if (p.fail) throw new Error('errand failed');
    return { done: true };
  },
});
const errands = definePlugin({ name: 'errands', version: '1.0.0', core: '^1.0.0', jobs: [errand] });

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('maintenance: housekeeping', function () {
  this.timeout(60_000);
  let t: TestApp;
  let now = new Date();
  before(async () => {
    t = await createTestApp({ plugins: ['auth', 'maintenance', errands], clock: () => now });
    await t.grant('root', 'admin');
    await t.persona('lea', 'learner');
  });
  after(() => t?.close());

  const run = async (): Promise<Record<string, number>> => {
    const job = await t.app.contextOf('maintenance').enqueue(housekeeping, {});
    await t.jobs.drain();
    const done = await t.app.jobs.get(job.id);
    expect(done?.state, done?.error).to.equal('completed');
    return done?.result as Record<string, number>;
  };
  const runErrands = async (...fails: boolean[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const fail of fails) ids.push((await t.app.contextOf('errands').enqueue(errand, { fail })).id);
    await t.jobs.drain();
    return ids;
  };
  const states = async (ids: string[]) => Promise.all(ids.map(async (id) => (await t.app.jobs.get(id))?.state ?? 'gone'));

  it('prunes completed and failed jobs older than keepFinishedJobsDays and keeps recent ones', async () => {
    const old = await runErrands(false, true, false);
    await pause(100);
    const mark = Date.now();
    await pause(100);
    const recent = await runErrands(false, true);
    now = new Date(mark + 30 * DAY_MS); // keepFinishedJobsDays: 30 (the default)
    const result = await run();
    expect({ pruned: result.jobs, old: await states(old), recent: await states(recent) }).to.deep.equal({
      pruned: 3, old: ['gone', 'gone', 'gone'], recent: ['completed', 'failed'],
    });
  });

  it('removes temporary files of uploads abandoned more than a day ago and keeps fresh ones and stored files', async () => {
    const dir = path.join(t.app.config.filesDir, 'errands', 'reports');
    fs.mkdirSync(dir, { recursive: true });
    const files = { abandoned: '.march.csv.0123456789ab.tmp', fresh: '.april.csv.ba9876543210.tmp', stored: 'march.csv' };
    const ages = { abandoned: 2 * DAY_MS, fresh: 3_600_000, stored: 50 * DAY_MS };
    for (const [kind, name] of Object.entries(files)) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, 'a,b\n');
      const when = new Date(now.getTime() - ages[kind as keyof typeof ages]);
      fs.utimesSync(file, when, when);
    }
    expect((await run()).files).to.equal(1);
    expect(fs.readdirSync(dir).sort()).to.deep.equal([files.fresh, files.stored].sort());
  });

  it('leaves one maintenance.housekeeping record per run, with its counts', async () => {
    const records: { details: Record<string, number> }[] = await t.db('core_audit').where({ action: 'maintenance.housekeeping' }).orderBy('id').select('details');
    expect(records.map((r) => r.details)).to.deep.equal([
      { jobs: 3, files: 0, keepFinishedJobsDays: 30 },
      { jobs: 0, files: 1, keepFinishedJobsDays: 30 },
    ]);
  });

  it('starts housekeeping now for maintenance:manage (202 and the job), not for a learner (403)', async () => {
    const started = await t.as('root').post('/api/v1/system/housekeeping');
    expect(started.status, JSON.stringify(started.body)).to.equal(202);
    await t.jobs.drain();
    expect(await t.app.jobs.get(started.body.job.id)).to.include({ name: 'maintenance.housekeeping', state: 'completed' });
    const audit = await t.db('core_audit').where({ action: 'maintenance.housekeeping.start' }).first('actor_id', 'target_id');
    expect(audit).to.deep.equal({ actor_id: 'root', target_id: started.body.job.id });
    expect((await t.as('lea').post('/api/v1/system/housekeeping')).status).to.equal(403);
  });
});
