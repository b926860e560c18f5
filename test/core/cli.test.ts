// The `lectern` command as an administrator uses it: migrate status (pending, then applied with when),
// refusing to serve with pending migrations, migrate, plugins disable/list, then a server that drains and
// exits on SIGTERM (shutdown.test.ts drives a request in flight through it).
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { cliWorkspace, onPostgres } from './helpers';

const cli = path.resolve(__dirname, '..', '..', 'core', 'cli.js');
const run = promisify(execFile);

describe('the lectern command', function () {
  this.timeout(120_000);
  const workspace = cliWorkspace('cli', 'hello-plugin');
  const { env } = workspace;

  before(() => workspace.open());
  after(() => workspace.close());

  const lectern = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('migrates, refuses to serve with pending migrations, switches plugins and serves until SIGTERM', async () => {
    const status = await lectern('migrate', '--status');
    expect(status.code).to.equal(0);
    expect(status.stdout.trim().split('\n')).to.deep.equal([
      'pending  core/0001_base', 'pending  core/0002_jobs', 'pending  core/0003_job_outbox', 'pending  core/0004_audit_prune',
      'pending  core/0005_audit_redact', 'pending  core/0006_change_notices', 'pending  hello/0001_greetings', 'pending  hello/0002_daily_counts',
      '8 pending: run `lectern migrate` (or start with --migrate)',
    ]);

    const refused = await lectern('start');
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('LECTERN_MIGRATIONS_PENDING: 8 migration(s) have not run');

    expect((await lectern('migrate')).stdout).to.equal('ran 8 migration(s):\n  core/0001_base\n  core/0002_jobs\n  core/0003_job_outbox\n  core/0004_audit_prune\n  core/0005_audit_redact\n  core/0006_change_notices\n  hello/0001_greetings\n  hello/0002_daily_counts\n');
    const applied = await lectern('migrate', '--status');
    expect(applied.code).to.equal(0);
    const lines = applied.stdout.trim().split('\n');
    expect(lines.slice(0, -1).map((l) => l.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z$/, '<when>'))).to.deep.equal([
      'applied  core/0001_base            <when>', 'applied  core/0002_jobs            <when>', 'applied  core/0003_job_outbox      <when>',
      'applied  core/0004_audit_prune     <when>', 'applied  core/0005_audit_redact    <when>', 'applied  core/0006_change_notices  <when>',
      'applied  hello/0001_greetings      <when>', 'applied  hello/0002_daily_counts   <when>',
    ]);
    expect(lines[lines.length - 1]).to.equal('all 8 applied');
    expect((await lectern('plugins', 'disable', 'hello')).stdout).to.equal('hello disabled\n');
    expect((await lectern('plugins', 'list')).stdout).to.match(/^disabled {2}hello@1\.0\.0 {2}Says hello/);
    expect((await lectern('hello', 'stats')).stdout).to.equal('0 greeting(s)\n');
    expect((await lectern('frobnicate')).stderr).to.contain('unknown command "frobnicate"');

    const server = spawn(process.execPath, [cli, 'start'], { env: { ...env, PORT: '0' } });
    let log = '';
    server.stdout.on('data', (chunk: Buffer) => { log += chunk.toString(); });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line in:\n${log}`)), 60_000);
      server.stdout.on('data', () => {
        const m = /listening on http:\/\/localhost:(\d+)/.exec(log);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
    });
    expect(log).to.contain(onPostgres ? 'started: database postgres' : 'started: database pglite');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).to.equal(200);
    expect((await fetch(`http://127.0.0.1:${port}/hello`)).status).to.equal(404);
    const exit = new Promise<number | null>((resolve) => server.on('exit', resolve));
    server.kill('SIGTERM');
    expect(await exit).to.equal(0);
    expect(log).to.contain('shutting down: draining requests and jobs').and.to.contain('"phase":"stop"');
  });
});
