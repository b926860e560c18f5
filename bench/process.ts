// Runs each benchmarked server in its own child process, so the load generator and the server never
// share an event loop. The parent forks a compiled server script and waits for "ready" (with the
// port) over IPC; "stop" asks the child to close cleanly, and a child that does not exit is killed.
// The child side (serveUntilStopped) is used by every server script in bench/.
import { fork, type ChildProcess } from 'node:child_process';

type ReadyMessage = { type: 'ready'; port: number; info?: Record<string, unknown> };
type FailedMessage = { type: 'failed'; error: string };
type ChildMessage = ReadyMessage | FailedMessage;

export interface ServerHandle {
  readonly url: string;
  readonly pid: number;
  /** Whatever the server reported when ready (e.g. ids of seeded rows). */
  readonly info: Record<string, unknown>;
  stop(): Promise<void>;
}

export interface ForkOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Extra node flags for the server. With BENCH_PROFILE_DIR set, every server also gets --cpu-prof into it. */
  execArgv?: string[];
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

/** BENCH_PROFILE_DIR=/some/dir writes a .cpuprofile per server process (open in Chrome DevTools). */
function profileFlags(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

function isChildMessage(m: unknown): m is ChildMessage {
  return typeof m === 'object' && m !== null && ((m as { type?: unknown }).type === 'ready' || (m as { type?: unknown }).type === 'failed');
}

/** Forks `script` (a compiled .js path), resolves once it listens on 127.0.0.1. */
export function forkServer(script: string, opts: ForkOptions = {}): Promise<ServerHandle> {
  const child = fork(script, opts.args ?? [], {
    env: { ...process.env, ...opts.env },
    execArgv: [...(opts.execArgv ?? []), ...profileFlags()],
    // The server's own output goes to our stderr so stdout stays the report.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.pipe(process.stderr);
  child.stderr?.pipe(process.stderr);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('error', (err) => process.stderr.write(`[bench] ${script}: ${err.message}\n`));

  return new Promise<ServerHandle>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not become ready within ${opts.startTimeoutMs ?? 60_000} ms`));
    }, opts.startTimeoutMs ?? 60_000);
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before it was ready (code ${code}, signal ${signal})`));
    };
    child.once('exit', onExit);
    child.on('message', (m: unknown) => {
      if (!isChildMessage(m)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      if (m.type === 'failed') {
        void stopChild(child, exited, opts.stopTimeoutMs).finally(() => reject(new Error(`${script} failed to start: ${m.error}`)));
        return;
      }
      resolve({
        url: `http://127.0.0.1:${m.port}`,
        pid: child.pid as number,
        info: m.info ?? {},
        stop: () => stopChild(child, exited, opts.stopTimeoutMs),
      });
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // The child may be exiting already (a failed start): a refused message is not an error.
  if (child.connected) child.send({ type: 'stop' }, () => undefined);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

export interface RunningServer {
  port: number;
  info?: Record<string, unknown>;
  close(): Promise<void>;
}

/**
 * Child side: starts the server, reports "ready" to the parent, and closes it on "stop" (or when the
 * parent goes away), then exits. A start failure is reported and the process exits non-zero.
 */
export function serveUntilStopped(start: () => Promise<RunningServer>): void {
  if (!process.send) throw new Error('this script is a benchmark server: run it through forkServer()');
  const send = (m: ChildMessage) => process.send?.(m);
  start().then((server) => {
    let closing = false;
    const close = () => {
      if (closing) return;
      closing = true;
      server.close().then(() => process.exit(0), (err: unknown) => {
        process.stderr.write(`close failed: ${String(err)}\n`);
        process.exit(1);
      });
    };
    process.on('message', (m: unknown) => { if (typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'stop') close(); });
    process.on('disconnect', close);
    send({ type: 'ready', port: server.port, info: server.info });
  }, (err: unknown) => {
    send({ type: 'failed', error: err instanceof Error ? err.stack ?? err.message : String(err) });
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 1000).unref();
  });
}
