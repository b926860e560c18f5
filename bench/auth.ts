// `npm run bench:auth` (and part of `npm run bench`): the auth plugin under load, on PostgreSQL (DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test), in a fresh schema dropped afterwards.
//   1. `GET /api/v1/me` with a real bearer token (from POST /api/v1/auth/tokens; identity provider, one
//      indexed token→user query, the caller's row, cached roles and permissions), autocannon at
//      BENCH_CONNECTIONS (50), against baseline B (bare Koa + knex/pg `SELECT 1`) measured in the same
//      round; BENCH_ROUNDS (default 3) rounds. Target: ≥ 50 % of B (median of the per-round ratios).
//   2. Importing a generated BENCH_IMPORT_LINES-line CSV (default 100,000; email,name) through the real path:
//      POST /api/v1/users/import streamed from a file, then the auth.importUsers job run by the same server
//      process (workers on), its row polled in the database. Targets: ≤ 60 s from the start of the
//      upload to the job completed, and peak RSS of that process ≤ 300 MB (sampled from /proc every 50 ms,
//      and its VmHWM). The same file is then imported again (everything unchanged) and timed.
// Prints a markdown report on stdout (progress and server logs on stderr). BENCH_AUTH_PARTS=me,import picks
// the parts; BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_PROFILE_DIR, BENCH_LOG_LEVEL as in bench/http.ts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { benchDatabaseUrl, type Baselines } from './baselines';
import { expectOk, measure, median, medianOf, type Figures } from './measure';
import { forkServer, type ServerHandle } from './process';
import { line, loadAverage, machine, pct, table } from './report';
import { runCli, type ResultRow, type ScenarioOptions, type ScenarioResult } from './scenario';
import { inScratchSchema } from './scratch-schema';

const ME_TARGET = 0.5;
const IMPORT_TARGET_SECONDS = 60;
const RSS_TARGET_MB = 300;
const serverScript = path.join(__dirname, 'auth-server.js');
const progress = (msg: string) => process.stderr.write(`[bench:auth] ${msg}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name] || String(fallback);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be an integer ≥ 1, got "${raw}"`);
  return n;
}

/** VmRSS and VmHWM (peak) of a process, in MB, from /proc (Linux). */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

async function apiToken(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, name: 'bench' }),
  });
  const body = await res.json() as { token?: string };
  if (res.status !== 201 || !body.token) throw new Error(`POST /api/v1/auth/tokens answered ${res.status}: ${JSON.stringify(body)}`);
  return body.token;
}

interface ImportFigures {
  lines: number; bytes: number;
  /** Upload start → 202 (streaming + staging). */
  uploadSeconds: number;
  /** Upload start → job completed. */
  totalSeconds: number;
  rssBeforeMb: number; peakRssMb: number; hwmMb: number;
  result: { created: number; updated: number; failed: unknown[] };
  rerunSeconds: number;
  rerunResult: { created: number; updated: number; failed: unknown[] };
}

export async function authScenario({ settings, rounds, measureBaselines }: ScenarioOptions): Promise<ScenarioResult> {
  const importLines = positiveInt('BENCH_IMPORT_LINES', 100_000);
  const parts = new Set((process.env.BENCH_AUTH_PARTS || 'me,import').split(',').map((p) => p.trim()));
  const databaseUrl = benchDatabaseUrl();
  const logLevel = process.env.BENCH_LOG_LEVEL || 'warn';
  const loadBefore = loadAverage();
  const started = new Date();

  const password = crypto.randomBytes(18).toString('base64url');
  const adminEmail = 'bench-admin@bench.test';
  const learnerEmail = 'bench-learner@bench.test';
  const csvFile = path.join(os.tmpdir(), `lectern-bench-import-${crypto.randomBytes(4).toString('hex')}.csv`);

  return inScratchSchema(databaseUrl, 'bench_auth', async ({ schema, serverVersion: pgVersion, admin }) => {
    const fork = (workers: boolean): Promise<ServerHandle> => forkServer(serverScript, {
      env: {
        DATABASE_URL: databaseUrl, BENCH_SCHEMA: schema, BENCH_LOG_LEVEL: logLevel, BENCH_WORKERS: workers ? '1' : '0',
        LECTERN_ADMIN_EMAIL: adminEmail, LECTERN_ADMIN_PASSWORD: password, BENCH_LEARNER_EMAIL: learnerEmail,
      },
    });

    let learnerToken: string | undefined;
    /** Lectern GET /api/v1/me as the learner, workers off, one server process. */
    async function measureMe(): Promise<Figures> {
      const server = await fork(false);
      try {
        learnerToken ??= await apiToken(server.url, learnerEmail, password);
        const headers = { authorization: `Bearer ${learnerToken}` };
        const url = `${server.url}/api/v1/me`;
        await expectOk(url, headers, (body) => (JSON.parse(body) as { id?: unknown }).id === server.info.learnerId);
        const figures = await measure(url, { ...settings, headers, pid: server.pid });
        await sleep(500); // let requests autocannon left queued finish before the pool closes
        return figures;
      } finally {
        await server.stop();
      }
    }

    async function runImport(): Promise<ImportFigures> {
      const lines = ['email,name'];
      for (let i = 1; i <= importLines; i++) lines.push(`user${i}@import.bench.test,Imported User ${i}`);
      fs.writeFileSync(csvFile, lines.join('\n') + '\n');
      const bytes = fs.statSync(csvFile).size;
      const server = await fork(true);
      try {
        const token = await apiToken(server.url, adminEmail, password);
        const auth = { authorization: `Bearer ${token}` };
        let peak = 0;
        const sample = () => {
          try {
            peak = Math.max(peak, memoryOf(server.pid).rss);
          } catch {
            // The server is gone: the upload fails on its own, a sampler must not crash the run.
          }
        };
        const upload = async () => {
          sample();
          const rssBefore = memoryOf(server.pid).rss;
          const sampler = setInterval(sample, 50);
          try {
            const t0 = performance.now();
            const res = await fetch(`${server.url}/api/v1/users/import`, {
              method: 'POST', headers: { ...auth, 'content-type': 'text/csv' },
              body: Readable.toWeb(fs.createReadStream(csvFile)) as ReadableStream, duplex: 'half',
            } as RequestInit);
            const accepted = await res.json() as { job?: { id: string } };
            if (res.status !== 202 || !accepted.job) throw new Error(`import upload answered ${res.status}: ${JSON.stringify(accepted)}`);
            const uploaded = performance.now();
            let job: { state: string; result?: ImportFigures['result']; error?: string; progress: number };
            let lastProgress = -1;
            for (;;) {
              // The job's row (GET /api/v1/jobs/:id belongs to the maintenance plugin, which this server does not run).
              const row = await admin.withSchema(schema).from('core_jobs').where({ id: accepted.job.id }).first('state', 'progress', 'result', 'error') as typeof job | undefined;
              if (!row) throw new Error(`job ${accepted.job.id} not found`);
              job = row;
              if (job.state === 'completed' || job.state === 'failed') break;
              // Ten times the target: the job is stuck, and the run must end.
              if (performance.now() - t0 > 10 * IMPORT_TARGET_SECONDS * 1000) throw new Error(`the import job is still ${job.state} (${job.progress} %) after ${10 * IMPORT_TARGET_SECONDS} s`);
              if (job.progress !== lastProgress && job.progress % 10 === 0) progress(`  job ${job.state}, ${job.progress}%`);
              lastProgress = job.progress;
              await sleep(100);
            }
            const done = performance.now();
            sample();
            if (job.state !== 'completed') throw new Error(`the import job failed: ${job.error}`);
            return { uploadSeconds: (uploaded - t0) / 1000, totalSeconds: (done - t0) / 1000, rssBefore, result: job.result as ImportFigures['result'] };
          } finally {
            clearInterval(sampler);
          }
        };
        progress(`import: uploading ${importLines} lines (${(bytes / 1e6).toFixed(1)} MB), load ${loadAverage()}`);
        const first = await upload();
        const hwm = memoryOf(server.pid).hwm;
        const peakFirst = peak;
        progress(`  ${first.totalSeconds.toFixed(1)} s (upload + staging ${first.uploadSeconds.toFixed(1)} s), peak RSS ${peakFirst.toFixed(0)} MB, VmHWM ${hwm.toFixed(0)} MB`);
        const count = await admin.withSchema(schema).from('auth_users').where('email', 'like', '%@import.bench.test').count({ n: '*' });
        if (Number(count[0].n) !== importLines) throw new Error(`expected ${importLines} imported users, found ${String(count[0].n)}`);
        progress('import: the same file again (nothing changes)');
        const again = await upload();
        progress(`  ${again.totalSeconds.toFixed(1)} s: ${JSON.stringify({ created: again.result.created, updated: again.result.updated, failed: again.result.failed.length })}`);
        return {
          lines: importLines, bytes, uploadSeconds: first.uploadSeconds, totalSeconds: first.totalSeconds,
          rssBeforeMb: first.rssBefore, peakRssMb: peakFirst, hwmMb: hwm, result: first.result,
          rerunSeconds: again.totalSeconds, rerunResult: again.result,
        };
      } finally {
        await server.stop();
      }
    }

    try {
      const done: { baselines: Baselines; me: Figures }[] = [];
      if (parts.has('me')) {
        for (let r = 1; r <= rounds; r++) {
          progress(`round ${r}/${rounds}: baselines A and B (${settings.warmupSeconds} s warm-up + ${settings.seconds} s each, ${settings.connections} connections), load ${loadAverage()}`);
          const baselines = await measureBaselines();
          progress(line('  A', baselines.koa));
          progress(line('  B', baselines.koaSelect1));
          progress(`round ${r}/${rounds}: Lectern GET /api/v1/me (bearer token from POST /api/v1/auth/tokens)`);
          const me = await measureMe();
          progress(line('  /me', me));
          progress(`round ${r}/${rounds}: /me ÷ B = ${pct(me.rps, baselines.koaSelect1.rps)}`);
          done.push({ baselines, me });
        }
      }
      const imported = parts.has('import') ? await runImport() : undefined;

      const out = [
        '# Lectern auth benchmark',
        '',
        `- Run: ${started.toISOString()}; machine: ${machine()}`,
        `- Load average (1/5/15 min): ${loadBefore} before, ${loadAverage()} after`,
        `- Database: PostgreSQL ${pgVersion} (${new URL(databaseUrl).host}), a fresh schema dropped after the run; pg pool max 10 everywhere`,
        `- Lectern: plugins: auth; log level ${logLevel}; one server process at a time, forked; autocannon in this process`,
      ];
      const rows: ResultRow[] = [];
      if (done.length) {
        const ratios = done.map((d) => d.me.rps / d.baselines.koaSelect1.rps);
        const ratio = medianOf(ratios);
        out.push(
          '',
          `## GET /api/v1/me (bearer token), ${done.length} round(s) of ${settings.warmupSeconds} s warm-up + ${settings.seconds} s, ${settings.connections} connections, workers off`,
          '',
          table({ koa: median(done.map((d) => d.baselines.koa)), koaSelect1: median(done.map((d) => d.baselines.koaSelect1)) },
            [{ name: 'Lectern `GET /api/v1/me` (token, learner)', figures: median(done.map((d) => d.me)) }]),
          '',
          '| Round | B req/s | /me req/s | /me ÷ B | /me server CPU µs/req |',
          '|---:|---:|---:|---:|---:|',
          ...done.map((d, i) => `| ${i + 1} | ${Math.round(d.baselines.koaSelect1.rps)} | ${Math.round(d.me.rps)} | ${(ratios[i] * 100).toFixed(1)}% | ${d.me.serverCpuUs === undefined ? 'n/a' : Math.round(d.me.serverCpuUs)} |`),
          '',
          `/me: ${(ratio * 100).toFixed(1)}% of baseline B, median of ${ratios.map((x) => `${(x * 100).toFixed(1)}%`).join(', ')} (target ≥ ${ME_TARGET * 100}%): ${ratio >= ME_TARGET ? 'MET' : 'NOT MET'}.`,
        );
        rows.push({
          name: 'Lectern `GET /api/v1/me` (real token, learner)', figures: median(done.map((d) => d.me)),
          baselines: { koa: median(done.map((d) => d.baselines.koa)), koaSelect1: median(done.map((d) => d.baselines.koaSelect1)) },
          value: `${(ratio * 100).toFixed(1)} % of B`, target: `≥ ${ME_TARGET * 100} % of B`, met: ratio >= ME_TARGET,
        });
      }
      if (imported) {
        const i = imported;
        const okTime = i.totalSeconds <= IMPORT_TARGET_SECONDS;
        const okRss = Math.max(i.peakRssMb, i.hwmMb) <= RSS_TARGET_MB;
        out.push(
          '',
          `## Import of ${i.lines.toLocaleString('en-US')} lines (email,name; ${(i.bytes / 1e6).toFixed(1)} MB), one server process with workers on`,
          '',
          '| Figure | Value | Target |',
          '|---|---:|---|',
          `| upload start → 202 (streamed, staged in one transaction) | ${i.uploadSeconds.toFixed(1)} s | |`,
          `| upload start → job completed | **${i.totalSeconds.toFixed(1)} s** | ≤ ${IMPORT_TARGET_SECONDS} s: ${okTime ? 'MET' : 'NOT MET'} |`,
          `| server RSS before the upload | ${i.rssBeforeMb.toFixed(0)} MB | |`,
          `| server peak RSS during the import (sampled every 50 ms) | **${i.peakRssMb.toFixed(0)} MB** | ≤ ${RSS_TARGET_MB} MB: ${okRss ? 'MET' : 'NOT MET'} |`,
          `| server VmHWM (peak since the process started) | ${i.hwmMb.toFixed(0)} MB | |`,
          `| job result | created ${i.result.created}, updated ${i.result.updated}, failed ${i.result.failed.length} | |`,
          `| the same file again, upload → completed | ${i.rerunSeconds.toFixed(1)} s (created ${i.rerunResult.created}, updated ${i.rerunResult.updated}, failed ${i.rerunResult.failed.length}) | |`,
        );
        rows.push(
          { name: `Import of ${i.lines.toLocaleString('en-US')} users (CSV), upload start → job completed`, value: `${i.totalSeconds.toFixed(1)} s`, target: `≤ ${IMPORT_TARGET_SECONDS} s`, met: okTime },
          { name: 'Import: server peak RSS (sampled, and VmHWM)', value: `${Math.max(i.peakRssMb, i.hwmMb).toFixed(0)} MB`, target: `≤ ${RSS_TARGET_MB} MB`, met: okRss },
        );
      }
      return { report: out.join('\n'), rows };
    } finally {
      fs.rmSync(csvFile, { force: true });
    }
  });
}

if (require.main === module) runCli('auth', authScenario, 3);
