// Fault tolerance: two web processes and two workers (the real CLI, cluster.ts) on a private PostgreSQL
// and a private Redis with append-only persistence (services.ts), so stopping them never touches the
// machine's shared services. Under load: a web process killed with SIGKILL leaves the other serving; a
// worker killed with SIGKILL mid-batch leaves every job done exactly once in effect; a Redis restart
// leaves reads served and jobs resume; a PostgreSQL restart is reported by /readyz, recovered from within
// 10 s of its return, and loses no acknowledged write. Loopback only, bounded in time; `npm run test:scale`.
import { expect } from 'chai';
import { call, loadOn, measured, sleep, within, type Json } from './client';
import { startCluster, TICK_PLUGIN, type Cluster } from './cluster';
import { privatePostgres, privateRedis, type Service } from './services';

const ADMIN = { email: 'admin@faults.example', password: 'Faults admin pass 7Qx!' };
const BATCH = 10_000;

describe('faults: processes and services failing under load', function () {
  this.timeout(300_000);
  let postgres: Service;
  let redis: Service;
  let cluster: Cluster;
  let web: string;
  let token: string;
  /** Keys done, of `from`..`from + count - 1`. */
  const effects = async (from = 0, count = BATCH) => Number((await cluster.query<{ n: string }>(
    'select count(*) as n from scale_tick_effects where key >= $1 and key < $2', [from, from + count]))[0].n);
  const readyz = async () => (await call(web, 'GET', '/readyz')).status;

  before(async () => {
    postgres = await privatePostgres();
    redis = await privateRedis();
    cluster = await startCluster({
      webs: 2, workers: 2, postgresUrl: postgres.url, redisUrl: redis.url, admin: ADMIN,
      plugins: ['auth', 'courses', 'maintenance', TICK_PLUGIN],
      // A killed worker's jobs are taken up after its lock lapses: seconds here, not the default half-minute.
      config: { jobs: { lockMs: 2_000, stalledIntervalMs: 2_000 } },
    });
    web = cluster.webs[1].url;
    const made = await call(web, 'POST', '/api/v1/auth/tokens', { json: ADMIN });
    expect(made.status, made.text).to.equal(201);
    token = String(made.json.token);
  });

  after(async () => {
    await cluster?.stop();
    await Promise.all([postgres?.destroy(), redis?.destroy()]);
  });

  it('keeps serving from the other web process, with no 5xx, when one is killed with SIGKILL', async () => {
    const [doomed, survivor] = cluster.webs;
    const onDoomed = loadOn(`${doomed.url}/api/v1/me`, token, 8);
    await sleep(1_000);
    const onSurvivor = loadOn(`${survivor.url}/api/v1/me`, token, 6);
    await doomed.kill('SIGKILL');
    const [survived] = await Promise.all([onSurvivor.done, onDoomed.done]);
    const gone = await call(doomed.url, 'GET', '/healthz').then(() => 'answering', () => 'gone');
    measured('survivor', { requests: survived.requests.total, errors: survived.errors, non2xx: survived.non2xx, p99ms: survived.latency.p99 });
    expect({ gone, served: survived.requests.total > 100, errors: survived.errors, non2xx: survived.non2xx })
      .to.deep.equal({ gone: 'gone', served: true, errors: 0, non2xx: 0 });
  });

  it('does every job of a 10,000-job batch exactly once in effect when a worker is killed with SIGKILL mid-batch', async () => {
    // Ten transactions of 1,000 jobs each, written side by side.
    const written = await Promise.all(Array.from({ length: BATCH / 1_000 }, (_, i) =>
      call(web, 'POST', '/api/v1/scale-tick/batch', { json: { from: i * 1_000, count: 1_000 }, timeoutMs: 120_000 })));
    expect(written.map((r) => r.status)).to.deep.equal(written.map(() => 200));
    await within('the batch under way', 60_000, async () => (await effects()) >= 1_000);
    await cluster.workers[0].kill('SIGKILL');
    await within('the whole batch done', 180_000, async () => (await effects()) === BATCH);
    const [{ keys, lowest, highest }] = await cluster.query<{ keys: string; lowest: number; highest: number }>(
      'select count(distinct key) as keys, min(key) as lowest, max(key) as highest from scale_tick_effects');
    const failed = await call(web, 'GET', '/api/v1/jobs?state=failed&limit=100', { token });
    const [{ attempts }] = await cluster.query<{ attempts: string }>('select count(*) as attempts from scale_tick_attempts where key < $1', [BATCH]);
    measured('batch', { jobs: BATCH, done: Number(keys), lost: BATCH - Number(keys), runsBeyondOne: Number(attempts) - BATCH, failed: (failed.json.items as Json[]).length });
    expect({ keys: Number(keys), lowest, highest, failed: (failed.json.items as Json[]).length })
      .to.deep.equal({ keys: BATCH, lowest: 0, highest: BATCH - 1, failed: 0 });
  });

  it('serves reads while Redis restarts, reports the outage on /readyz, and runs the jobs written meanwhile once Redis returns', async () => {
    const reads = loadOn(`${web}/api/v1/me`, token, 12);
    await sleep(1_000);
    await redis.stop();
    await within('/readyz reporting Redis down', 10_000, async () => (await readyz()) === 503);
    const started = Date.now();
    const during = await call(web, 'POST', '/api/v1/scale-tick/batch', { json: { from: BATCH, count: 10 } });
    const answeredMs = Date.now() - started;
    await sleep(2_000);
    await redis.start();
    const back = await within('/readyz after Redis returned', 20_000, async () => (await readyz()) === 200);
    await within('the jobs written while Redis was down', 30_000, async () => (await effects(BATCH, 10)) === 10);
    const served = await reads.done;
    measured('Redis restart', { enqueueAnsweredMs: answeredMs, readyAgainMs: back, reads: served.requests.total, errors: served.errors, non2xx: served.non2xx });
    expect({ enqueued: during.status, fast: answeredMs < 1_000, back: back < 20_000, errors: served.errors, non2xx: served.non2xx })
      .to.deep.equal({ enqueued: 200, fast: true, back: true, errors: 0, non2xx: 0 });
  });

  it('answers 503 while PostgreSQL restarts, recovers within 10 s of its return, and loses no acknowledged write', async () => {
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let writing = true;
    const writer = (async () => {
      for (let n = 0; writing; n++) {
        const res = await call(web, 'POST', '/api/v1/users', { token, json: { email: `w${n}@faults.example`, name: `Writer ${n}` } })
          .catch(() => ({ status: 0, json: {} as Json, text: '' }));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) acknowledged.push(String(res.json.id));
        else await sleep(50);
      }
    })();
    await sleep(1_000);
    await postgres.stop();
    const down = await within('/readyz reporting the database down', 10_000, async () => (await readyz()) === 503);
    await sleep(3_000);
    await postgres.start();
    const recovered = await within('recovery after PostgreSQL returned', 10_000,
      async () => (await readyz()) === 200 && (await call(web, 'GET', '/api/v1/me', { token })).status === 200);
    await sleep(1_000);
    writing = false;
    await writer;
    const stored = await cluster.query<{ id: string }>('select id::text as id from auth_users where id = any($1::bigint[])', [acknowledged]);
    measured('PostgreSQL restart', { readyz503AfterMs: down, recoveredMs: recovered, acknowledged: acknowledged.length, lost: acknowledged.length - stored.length,
      answers: [...statuses].map(([status, n]) => `${n}×${status}`).join(' ') });
    const unexpected = [...statuses.keys()].filter((s) => s !== 201 && s !== 503);
    expect({ down: down < 10_000, recovered: recovered <= 10_000, acknowledged: acknowledged.length > 10, lost: acknowledged.length - stored.length, unexpected })
      .to.deep.equal({ down: true, recovered: true, acknowledged: true, lost: 0, unexpected: [] });
  });
});
