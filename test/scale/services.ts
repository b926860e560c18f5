// Private PostgreSQL and Redis servers for the fault tests, so that stopping and restarting them never
// touches the machine's shared services: PostgreSQL from initdb in a temporary directory (run as the
// postgres user, as initdb refuses root), Redis with append-only persistence and no eviction, each on
// a free port of 127.0.0.1, each restartable on the same port with its data kept.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './cluster';

export interface Service {
  readonly url: string;
  /** Stops the server (fast shutdown) and resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

const PG_BIN = (() => {
  const root = '/usr/lib/postgresql';
  const version = fs.existsSync(root) ? fs.readdirSync(root).sort().pop() : undefined;
  if (!version) throw new Error(`PostgreSQL binaries not found under ${root}`);
  return path.join(root, version, 'bin');
})();

const ids = (user: string) => {
  const out = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  return { uid: Number(out.stdout.trim()), gid: Number(gid.stdout.trim()) };
};

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A PostgreSQL cluster of its own: `initdb` in a temporary directory, trust authentication, fsync off. */
export async function privatePostgres(): Promise<Service> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-pg-'));
  const user = ids('postgres');
  fs.chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const init = spawnSync(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync'], { ...user, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  let child: ChildProcess | undefined;
  const ready = () => spawnSync(path.join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']).status === 0;
  const start = async () => {
    child = spawn(path.join(PG_BIN, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off', '-c', 'max_connections=200'], { ...user, stdio: 'ignore' });
    await until('private PostgreSQL', ready);
  };
  const stop = async () => {
    if (!child) return;
    child.kill('SIGINT'); // fast shutdown: open connections are cut, committed data is kept
    await exitOf(child);
    child = undefined;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`, start, stop,
    destroy: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A redis-server of its own, as production runs it: append-only persistence, no eviction. */
export async function privateRedis(): Promise<Service> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    log = '';
    child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes',
      '--maxmemory-policy', 'noeviction', '--save', ''], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout?.on('data', (chunk: Buffer) => { log += chunk.toString(); });
    await until('private Redis', () => /Ready to accept connections/.test(log));
  };
  const stop = async () => {
    if (!child) return;
    child.kill('SIGTERM'); // Redis flushes its append-only file on SIGTERM
    await exitOf(child);
    child = undefined;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`, start, stop,
    destroy: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
