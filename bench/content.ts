// `npm run bench:content` (and part of `npm run bench`): the content plugin under load, on PostgreSQL (DATABASE_URL, default the local
// test database), in a fresh schema dropped afterwards.
//   1. An enrolled learner opening a published page item: GET /api/v1/courses/:id/items/:itemId/view
//      with a real bearer token (course item and enrollment lookups, the published version, its
//      rendered Markdown, the view recorded in a transaction), against baseline B (bare Koa + knex/pg
//      `SELECT 1`) measured in the same round; BENCH_ROUNDS (default 3). Target: ≥ 30 % of B (median of
//      the per-round ratios).
//   2. Uploading a 50 MB video (PUT /api/v1/content/:id/file, streamed from a generator) and downloading
//      it whole (GET /api/v1/content/:id/file), sampling the server's RSS from /proc every 20 ms.
//      Target: peak RSS growth over the RSS before the upload ≤ 50 MB, for each.
// Prints a markdown report on stdout (progress on stderr). BENCH_SECONDS, BENCH_WARMUP_SECONDS,
// BENCH_CONNECTIONS, BENCH_LOG_LEVEL as in bench/http.ts.
import crypto from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { benchDatabaseUrl, type Baselines } from './baselines';
import { expectOk, measure, median, medianOf, type Figures } from './measure';
import { forkServer, type ServerHandle } from './process';
import { line, loadAverage, machine, pct, table } from './report';
import { runCli, type ScenarioOptions, type ScenarioResult } from './scenario';
import { inScratchSchema } from './scratch-schema';
import { rssDuring } from './rss';

const VIEW_TARGET = 0.3;
const RSS_TARGET_MB = 50;
const UPLOAD_MB = 50;
const serverScript = path.join(__dirname, 'content-server.js');
const progress = (msg: string) => process.stderr.write(`[bench:content] ${msg}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PAGE = [
  '# Working safely with ladders', '', 'Before you climb, check the ladder and the ground it stands on.', '',
  ...Array.from({ length: 12 }, (_, i) => `## Step ${i + 1}\n\nKeep **three points of contact** and read [the policy](https://example.org/policy/${i}).\n\n- Check the feet\n- Check the rungs\n- Face the ladder\n`),
  '| Height | Ladder |', '|---|---|', '| up to 2 m | step ladder |', '| above 2 m | extension ladder |',
].join('\n');

/** Bytes of a video (an mp4 signature, then zeros), made as they are read. */
function video(bytes: number): Readable {
  const head = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(64 * 1024 - 12)]);
  const chunk = Buffer.alloc(64 * 1024);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) return void this.push(null);
      const next = sent === 0 ? head : chunk;
      sent += next.length;
      this.push(next);
    },
  });
}

async function api(server: ServerHandle, token: string, method: string, url: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(server.url + url, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await res.json() as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(answer)}`);
  return answer;
}

async function token(server: ServerHandle, email: string, password: string): Promise<string> {
  return (await api(server, '', 'POST', '/api/v1/auth/tokens', { email, password, name: 'bench' })).token as string;
}

/** A published page and an empty video item, a published course placing the page, the learner enrolled. */
async function setUp(server: ServerHandle, admin: string): Promise<{ viewPath: string; videoId: string }> {
  await api(server, admin, 'PATCH', '/api/v1/settings/content', { allowSelfApproval: true });
  const page = await api(server, admin, 'POST', '/api/v1/content', { type: 'page', title: 'Ladders', body: PAGE });
  await api(server, admin, 'POST', `/api/v1/content/${String(page.id)}/submit`);
  await api(server, admin, 'POST', `/api/v1/content/${String(page.id)}/approve`);
  const course = await api(server, admin, 'POST', '/api/v1/courses', { title: 'Safety at height', code: 'BENCH-1' });
  const section = await api(server, admin, 'POST', `/api/v1/courses/${String(course.id)}/sections`, { title: 'Ladders' });
  const item = await api(server, admin, 'POST', `/api/v1/courses/${String(course.id)}/sections/${String(section.id)}/items`, { contentId: `content:${String(page.id)}` });
  await api(server, admin, 'POST', `/api/v1/courses/${String(course.id)}/publish`);
  await api(server, admin, 'POST', `/api/v1/courses/${String(course.id)}/enrollments`, { userId: server.info.learnerId });
  const videoItem = await api(server, admin, 'POST', '/api/v1/content', { type: 'video', title: 'Ladder drill' });
  return { viewPath: `/api/v1/courses/${String(course.id)}/items/${String(item.id)}/view`, videoId: String(videoItem.id) };
}

export async function contentScenario({ settings, rounds, measureBaselines }: ScenarioOptions): Promise<ScenarioResult> {
  const databaseUrl = benchDatabaseUrl();
  const loadBefore = loadAverage();
  const started = new Date();
  const password = crypto.randomBytes(18).toString('base64url');
  const adminEmail = 'bench-admin@bench.test';
  const learnerEmail = 'bench-learner@bench.test';

  return inScratchSchema(databaseUrl, 'bench_content', async ({ schema, serverVersion }) => {
    const fork = () => forkServer(serverScript, {
      env: {
        DATABASE_URL: databaseUrl, BENCH_SCHEMA: schema, LECTERN_ADMIN_EMAIL: adminEmail, LECTERN_ADMIN_PASSWORD: password, BENCH_LEARNER_EMAIL: learnerEmail,
      },
    });
    let setup: { viewPath: string; videoId: string } | undefined;
    let learner = '';
    let admin = '';
    const done: { baselines: Baselines; view: Figures }[] = [];
    for (let r = 1; r <= rounds; r++) {
      progress(`round ${r}/${rounds}: baselines, load ${loadAverage()}`);
      const baselines = await measureBaselines();
      progress(line('  B', baselines.koaSelect1));
      const server = await fork();
      try {
        admin ||= await token(server, adminEmail, password);
        learner ||= await token(server, learnerEmail, password);
        setup ??= await setUp(server, admin);
        const headers = { authorization: `Bearer ${learner}` };
        const url = server.url + setup.viewPath;
        await expectOk(url, headers, (body) => (JSON.parse(body) as { content?: { html?: string } }).content?.html?.includes('three points of contact') === true);
        const view = await measure(url, { ...settings, headers, pid: server.pid });
        await sleep(500);
        progress(line('  view', view));
        progress(`round ${r}/${rounds}: view ÷ B = ${pct(view.rps, baselines.koaSelect1.rps)}`);
        done.push({ baselines, view });
      } finally {
        await server.stop();
      }
    }

    progress(`files: uploading and downloading ${UPLOAD_MB} MB`);
    const server = await fork();
    let upload: { before: number; peak: number };
    let download: { before: number; peak: number };
    let size = 0;
    try {
      const target = `${server.url}/api/v1/content/${setup?.videoId}/file`;
      upload = await rssDuring(server.pid, async () => {
        const res = await fetch(target, {
          method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'video/mp4', 'content-disposition': 'attachment; filename="drill.mp4"' },
          body: Readable.toWeb(video(UPLOAD_MB * 1024 * 1024)) as ReadableStream, duplex: 'half',
        } as RequestInit);
        const body = await res.json() as { latest?: { file?: { size: number } } };
        if (res.status !== 200) throw new Error(`upload answered ${res.status}: ${JSON.stringify(body)}`);
        size = body.latest?.file?.size ?? 0;
      });
      download = await rssDuring(server.pid, async () => {
        const res = await fetch(target, { headers: { authorization: `Bearer ${admin}` } });
        let received = 0;
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) received += chunk.length;
        if (res.status !== 200 || received !== size) throw new Error(`download answered ${res.status} with ${received} of ${size} bytes`);
      });
    } finally {
      await server.stop();
    }
    const ratio = medianOf(done.map((d) => d.view.rps / d.baselines.koaSelect1.rps));
    const growth = (m: { before: number; peak: number }) => m.peak - m.before;
    const baselines = { koa: median(done.map((d) => d.baselines.koa)), koaSelect1: median(done.map((d) => d.baselines.koaSelect1)) };
    const out = [
      '# Lectern content benchmark', '',
      `- Run: ${started.toISOString()}; machine: ${machine()}`,
      `- Load average (1/5/15 min): ${loadBefore} before, ${loadAverage()} after`,
      `- Database: PostgreSQL ${serverVersion}, a fresh schema dropped after the run; one server process at a time, workers off`,
      '',
      `## GET /api/v1/courses/:id/items/:itemId/view (a published ${(PAGE.length / 1024).toFixed(1)} KB Markdown page, enrolled learner, bearer token), ${done.length} round(s)`,
      '',
      table(baselines, [{ name: 'Lectern item view', figures: median(done.map((d) => d.view)) }]),
      '',
      `- Per-round view ÷ B: ${done.map((d) => pct(d.view.rps, d.baselines.koaSelect1.rps)).join(', ')}; median ${(ratio * 100).toFixed(1)} % (target ≥ ${VIEW_TARGET * 100} %): ${ratio >= VIEW_TARGET ? 'met' : 'NOT met'}`,
      '',
      `## ${UPLOAD_MB} MB file, streamed`, '',
      `- Upload (PUT …/file, ${size} bytes stored): RSS ${upload.before.toFixed(0)} MB before, peak ${upload.peak.toFixed(0)} MB, growth ${growth(upload).toFixed(1)} MB (target ≤ ${RSS_TARGET_MB} MB): ${growth(upload) <= RSS_TARGET_MB ? 'met' : 'NOT met'}`,
      `- Download (GET …/file): RSS ${download.before.toFixed(0)} MB before, peak ${download.peak.toFixed(0)} MB, growth ${growth(download).toFixed(1)} MB (target ≤ ${RSS_TARGET_MB} MB): ${growth(download) <= RSS_TARGET_MB ? 'met' : 'NOT met'}`,
    ];
    const rssTarget = `growth ≤ ${RSS_TARGET_MB} MB`;
    const rssValue = (m: { before: number; peak: number }) => `+${growth(m).toFixed(1)} MB (${m.before.toFixed(0)} → ${m.peak.toFixed(0)} MB)`;
    return {
      report: out.join('\n'),
      rows: [
        {
          name: '`GET /api/v1/courses/:id/items/:itemId/view` (published Markdown page, enrolled learner)', figures: median(done.map((d) => d.view)), baselines,
          value: `${(ratio * 100).toFixed(1)} % of B`, target: `≥ ${VIEW_TARGET * 100} % of B`, met: ratio >= VIEW_TARGET,
        },
        { name: `${UPLOAD_MB} MB file upload (streamed): server RSS growth`, value: rssValue(upload), target: rssTarget, met: growth(upload) <= RSS_TARGET_MB },
        { name: `${UPLOAD_MB} MB file download (streamed): server RSS growth`, value: rssValue(download), target: rssTarget, met: growth(download) <= RSS_TARGET_MB },
      ],
    };
  });
}

if (require.main === module) runCli('content', contentScenario, 3);
