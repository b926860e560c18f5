// Graceful shutdown of the real `lectern start` on SIGTERM, as a rolling update relies on it: new
// connections are refused at once, a request in flight still gets its answer, and the process exits 0;
// a request that outlasts the shutdown timeout has its connection cut, and the exit stays prompt.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { cliWorkspace } from './helpers';

const cli = path.resolve(__dirname, '..', '..', 'core', 'cli.js');
const fixture = path.resolve(__dirname, '..', '..', '..', 'test', 'core', 'fixtures', 'slow-plugin');

interface Server { child: ChildProcessWithoutNullStreams; port: number; log: () => string; exit: Promise<{ code: number | null; at: number }> }

/** `lectern start --migrate` on a free port of 127.0.0.1, resolved once it listens. */
async function start(env: NodeJS.ProcessEnv): Promise<Server> {
  const child = spawn(process.execPath, [cli, 'start', '--migrate'], { env: { ...env, PORT: '0', HOST: '127.0.0.1' } });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  const exit = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 60 s:\n${log}`)), 60_000);
    const look = () => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    child.stdout.on('data', look);
    void exit.then(() => { clearTimeout(timer); reject(new Error(`exited before listening:\n${log}`)); });
  });
  return { child, port, log: () => log, exit };
}

/**
 * One GET on its own connection, kept alive as a load balancer's are (the server must close it once it
 * is idle): the status and body, or the error that ended it.
 */
function get(port: number, pathname: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const req = http.get({ host: '127.0.0.1', port, path: pathname, agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

/** Whether a new TCP connection is accepted: 'connected' or the error code (ECONNREFUSED). */
function connect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve('connected'); });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('graceful shutdown of `lectern start` on SIGTERM', function () {
  this.timeout(120_000);
  const workspace = cliWorkspace('shutdown', fixture);
  const { env } = workspace;
  let server: Server | undefined;

  before(() => workspace.open());
  afterEach(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exit;
    }
    server = undefined;
  });
  after(() => workspace.close());

  it('refuses new connections, finishes the request in flight and exits 0', async () => {
    server = await start(env);
    const { port } = server;
    expect(await get(port, '/healthz')).to.deep.include({ status: 200 });
    const slow = get(port, '/api/v1/slow?ms=1500');
    await pause(300);
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    await pause(200);
    expect(await connect(port), 'a new connection while draining').to.equal('ECONNREFUSED');
    expect(await slow).to.deep.equal({ status: 200, body: '{"waited":1500}' });
    const exit = await server.exit;
    expect(exit.code).to.equal(0);
    expect(exit.at - signalled, 'exits within a few seconds of SIGTERM').to.be.below(5000);
    expect(server.log()).to.contain('shutting down: draining requests and jobs').and.to.contain('"phase":"stop"');
  });

  it('cuts a request that outlasts LECTERN_SHUTDOWN_TIMEOUT_MS and still exits 0 promptly', async () => {
    server = await start({ ...env, LECTERN_SHUTDOWN_TIMEOUT_MS: '500' });
    const slow = get(server.port, '/api/v1/slow?ms=8000');
    await pause(300);
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    expect(await slow).to.have.property('error');
    const exit = await server.exit;
    expect(exit.code).to.equal(0);
    expect(exit.at - signalled).to.be.below(4000);
    expect(server.log()).to.contain('requests still running at the shutdown timeout');
  });
});
