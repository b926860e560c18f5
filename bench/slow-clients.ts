// `npm run bench:slow-clients` (and part of `npm run bench`): 200 slow clients beside normal traffic, on PostgreSQL (pool max 10).
// Slow clients hold sockets, never database connections: a CSV upload is received under its size limit
// and idle timeout before any transaction, and headers or a JSON body still arriving hold nothing.
// The same normal traffic is measured twice in one run, alone and then beside the slow clients:
//   /healthz and `GET /api/v1/me` (bearer token), autocannon, BENCH_CONNECTIONS split between them.
//   Target: with the slow clients, both keep p99 < 1 s and every answer a 200.
// The slow clients, each sending one byte every BENCH_TRICKLE_MS (default 2,000) and so never idle long
// enough to be cut off: 100 admin CSV uploads to POST /api/v1/users/import, 50 JSON bodies to
// POST /api/v1/auth/login, 50 requests whose headers never end (slowloris). Env as bench/http.ts.
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { benchDatabaseUrl } from './baselines';
import { measure, type Figures } from './measure';
import { forkServer } from './process';
import { loadAverage, machine } from './report';
import { runCli, type ScenarioOptions, type ScenarioResult } from './scenario';
import { inScratchSchema } from './scratch-schema';

const P99_TARGET_MS = 1000;
const SLOW = { uploads: 100, logins: 50, headers: 50 };
const serverScript = path.join(__dirname, 'auth-server.js');
const progress = (msg: string) => process.stderr.write(`[bench:slow-clients] ${msg}\n`);

interface SlowClient { socket: net.Socket; answered: () => string | undefined }

/** Opens a socket that sends `head` now, then one byte of `trickle` every `everyMs`, until destroyed. */
function slowClient(port: number, head: string, trickle: string, everyMs: number): SlowClient {
  const socket = net.connect(port, '127.0.0.1');
  let answer: string | undefined;
  let sent = 0;
  const timer = setInterval(() => {
    if (!socket.writable) return;
    socket.write(trickle[sent % trickle.length]);
    sent += 1;
  }, everyMs);
  socket.once('connect', () => socket.write(head));
  socket.on('data', (chunk) => { answer ??= chunk.toString('latin1').split('\r\n')[0]; });
  socket.on('error', () => undefined);
  socket.on('close', () => clearInterval(timer));
  return { socket, answered: () => answer };
}

function slowClients(port: number, adminToken: string, everyMs: number): SlowClient[] {
  const upload = (i: number) => slowClient(port, [
    'POST /api/v1/users/import HTTP/1.1', 'Host: 127.0.0.1', `Authorization: Bearer ${adminToken}`,
    'Content-Type: text/csv', 'Content-Length: 1000000', '', `email,name\nslow${i}@bench.test,Slow ${i}\n`,
  ].join('\r\n'), 'abcdefghij,klm\n', everyMs);
  const login = () => slowClient(port, [
    'POST /api/v1/auth/login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Length: 10000', '', '{"email":"',
  ].join('\r\n'), 'slow', everyMs);
  const headers = (i: number) => slowClient(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-${i}: `, 'a', everyMs);
  return [
    ...Array.from({ length: SLOW.uploads }, (_, i) => upload(i)),
    ...Array.from({ length: SLOW.logins }, () => login()),
    ...Array.from({ length: SLOW.headers }, (_, i) => headers(i)),
  ];
}

async function token(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, name: 'bench' }),
  });
  const body = await res.json() as { token?: string };
  if (res.status !== 201 || !body.token) throw new Error(`POST /api/v1/auth/tokens answered ${res.status}`);
  return body.token;
}

export async function slowClientsScenario({ settings }: ScenarioOptions): Promise<ScenarioResult> {
  const everyMs = Number(process.env.BENCH_TRICKLE_MS || '2000');
  const connections = Math.max(1, Math.floor(settings.connections / 2));
  const started = new Date();
  const loadBefore = loadAverage();
  const password = crypto.randomBytes(18).toString('base64url');
  return inScratchSchema(benchDatabaseUrl(), 'bench_slow', async ({ schema, serverVersion }) => {
    const server = await forkServer(serverScript, {
      env: {
        DATABASE_URL: benchDatabaseUrl(), BENCH_SCHEMA: schema, BENCH_LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'warn',
        LECTERN_ADMIN_EMAIL: 'bench-admin@bench.test', LECTERN_ADMIN_PASSWORD: password, BENCH_LEARNER_EMAIL: 'bench-learner@bench.test',
      },
    });
    try {
      const port = Number(new URL(server.url).port);
      const admin = await token(server.url, 'bench-admin@bench.test', password);
      const learner = await token(server.url, 'bench-learner@bench.test', password);
      const traffic = () => Promise.all([
        measure(`${server.url}/healthz`, { ...settings, connections, pid: server.pid }),
        measure(`${server.url}/api/v1/me`, { ...settings, connections, pid: server.pid, headers: { authorization: `Bearer ${learner}` } }),
      ]);
      progress('normal traffic alone');
      const [healthAlone, meAlone] = await traffic();
      progress(`opening ${SLOW.uploads + SLOW.logins + SLOW.headers} slow clients`);
      const slow = slowClients(port, admin, everyMs);
      await new Promise((resolve) => setTimeout(resolve, 2 * everyMs));
      const openBefore = slow.filter((c) => !c.socket.destroyed && !c.answered()).length;
      progress(`${openBefore} slow clients open; normal traffic beside them`);
      let healthSlow: Figures; let meSlow: Figures;
      try {
        [healthSlow, meSlow] = await traffic();
      } finally {
        const stillOpen = slow.filter((c) => !c.socket.destroyed && !c.answered()).length;
        const answers = slow.map((c) => c.answered()).filter(Boolean);
        for (const c of slow) c.socket.destroy();
        progress(`${stillOpen} slow clients still sending at the end; answers to the others: ${JSON.stringify(answers.slice(0, 5))}`);
      }
      const ok = healthSlow.p99 < P99_TARGET_MS && meSlow.p99 < P99_TARGET_MS;
      const row = (name: string, f: Figures) => `| ${name} | ${f.rps.toFixed(0)} | ${f.p99} | ${f.meanLatency.toFixed(2)} |`;
      const report = [
        `- Run: ${started.toISOString()}; ${settings.warmupSeconds} s warm-up + ${settings.seconds} s per phase; ${connections} connections to each target`,
        `- Machine: ${machine()}; load average ${loadBefore} before, ${loadAverage()} after; PostgreSQL ${serverVersion}, pool max 10`,
        `- Slow clients: ${SLOW.uploads} CSV uploads, ${SLOW.logins} JSON logins, ${SLOW.headers} unfinished headers, one byte every ${everyMs} ms; ${openBefore} open when measuring began`,
        '',
        '| Target | req/s | p99 (ms) | mean (ms) |',
        '|---|---:|---:|---:|',
        row('`/healthz`, alone', healthAlone), row('`/healthz`, beside 200 slow clients', healthSlow),
        row('`GET /api/v1/me`, alone', meAlone), row('`GET /api/v1/me`, beside 200 slow clients', meSlow),
        '',
        `- Every answer a 200 (measure refuses a run otherwise); p99 beside the slow clients under ${P99_TARGET_MS} ms: **${ok ? 'MET' : 'NOT MET'}**`,
      ].join('\n');
      const target = `p99 < ${P99_TARGET_MS} ms, every answer a 200`;
      return {
        report,
        rows: [
          { name: '`/healthz`, alone (reference)', figures: healthAlone },
          { name: '`/healthz`, beside 200 slow clients', figures: healthSlow, value: `p99 ${healthSlow.p99} ms`, target, met: healthSlow.p99 < P99_TARGET_MS },
          { name: '`GET /api/v1/me`, alone (reference)', figures: meAlone },
          { name: '`GET /api/v1/me`, beside 200 slow clients', figures: meSlow, value: `p99 ${meSlow.p99} ms`, target, met: meSlow.p99 < P99_TARGET_MS },
        ],
      };
    } finally {
      await server.stop();
    }
  });
}

if (require.main === module) runCli('slow-clients', slowClientsScenario, 1, true);
