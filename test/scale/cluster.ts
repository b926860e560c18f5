// Lectern run as an operator scales it out: web processes (`lectern start --no-workers`) and worker
// processes (`lectern worker`) from the real CLI, all on one fresh PostgreSQL database and one Redis key
// prefix, sharing the secret and the files directory, on free ports of 127.0.0.1. Each process's log
// goes to a file in the cluster's directory, shown when a process fails to start.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

const CLI = path.resolve(__dirname, '..', '..', 'core', 'cli.js');
export const TICK_PLUGIN = path.resolve(__dirname, '..', '..', '..', 'test', 'scale', 'fixtures', 'tick');

export interface Proc {
  readonly name: string;
  readonly pid: number;
  /** The web process's address; empty for a worker. */
  readonly url: string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface ClusterOptions {
  webs: number;
  workers: number;
  /** PostgreSQL server to create the cluster's database on (a URL whose database is replaced). */
  postgresUrl: string;
  redisUrl: string;
  plugins: string[];
  admin: { email: string; password: string };
  /** More of lectern.config.json (e.g. `jobs.stalledIntervalMs`); `jobs.prefix` is the cluster's own. */
  config?: { jobs?: Record<string, unknown> } & Record<string, unknown>;
}

export interface Cluster {
  readonly webs: Proc[];
  readonly workers: Proc[];
  /** Runs one query on the cluster's database (a connection of its own), for checks the API does not answer. */
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

/** One query on a connection of its own (the server may have restarted since the last one). */
async function queryOn<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Creates the database, migrates it once, then starts every process and waits until each is up. */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const id = `lectern_scale_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-scale-'));
  await queryOn(opts.postgresUrl, `create database ${id}`);
  const databaseUrl = withDatabase(opts.postgresUrl, id);
  const configFile = path.join(dir, 'lectern.config.json');
  fs.writeFileSync(configFile, JSON.stringify({ ...opts.config, jobs: { ...opts.config?.jobs, prefix: id } }));
  const env: NodeJS.ProcessEnv = {
    ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: opts.redisUrl, LECTERN_CONFIG: configFile, HOST: '127.0.0.1',
    LECTERN_SECRET: crypto.randomBytes(32).toString('hex'), LECTERN_DATA_DIR: path.join(dir, 'data'), LECTERN_PLUGINS: opts.plugins.join(','),
    LECTERN_ADMIN_EMAIL: opts.admin.email, LECTERN_ADMIN_PASSWORD: opts.admin.password, LOG_LEVEL: 'info',
  };
  const procs: Proc[] = [];
  const stop = async () => {
    await Promise.all(procs.map((p) => p.kill('SIGTERM')));
    await queryOn(opts.postgresUrl, `drop database if exists ${id} with (force)`);
    await clearRedis(opts.redisUrl, id);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run(['migrate'], env, path.join(dir, 'migrate.log'));
    const names = [...Array.from({ length: opts.webs }, (_, i) => `web${i + 1}`), ...Array.from({ length: opts.workers }, (_, i) => `worker${i + 1}`)];
    procs.push(...await Promise.all(names.map(async (name) => {
      const web = name.startsWith('web');
      const port = web ? await freePort() : 0;
      return startProcess(name, web ? ['start', '--no-workers'] : ['worker'], { ...env, PORT: String(port) }, path.join(dir, `${name}.log`), web ? `http://127.0.0.1:${port}` : '');
    })));
  } catch (err) {
    await stop();
    throw err;
  }
  const query = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => queryOn<R>(databaseUrl, sql, params);
  return { webs: procs.filter((p) => p.url), workers: procs.filter((p) => !p.url), query, stop };
}

/** Runs a CLI command to its end; throws with its log when it fails. */
function run(args: string[], env: NodeJS.ProcessEnv, log: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(log, 'w');
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', out, out] });
    child.on('exit', (code) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`lectern ${args.join(' ')} exited with ${code}:\n${fs.readFileSync(log, 'utf8').slice(-2000)}`));
    });
  });
}

/** Starts one process and resolves once it has logged that it started (and, for a web process, listens). */
function startProcess(name: string, args: string[], env: NodeJS.ProcessEnv, log: string, url: string): Promise<Proc> {
  const out = fs.openSync(log, 'w');
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', out, out] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    fs.closeSync(out);
    resolve();
  }));
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const proc: Proc = { name, pid: child.pid as number, url, kill };
  const ready = url ? /"msg":"listening on/ : /"msg":"started:/;
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const poll = setInterval(() => {
      const text = fs.readFileSync(log, 'utf8');
      if (ready.test(text)) {
        clearInterval(poll);
        resolve(proc);
      } else if (child.exitCode !== null || Date.now() > deadline) {
        clearInterval(poll);
        void kill('SIGKILL').then(() => reject(new Error(`${name} did not start:\n${text.slice(-2000)}`)));
      }
    }, 100);
  });
}

/** Deletes the cluster's BullMQ keys (its own prefix) from the shared Redis. */
async function clearRedis(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
