#!/usr/bin/env node
// The `lectern` command: start, worker, migrate, seed, demo, plugins, plugin new, theme check, and whatever commands plugins add
// (e.g. `lectern user create`). SIGTERM and SIGINT drain requests and jobs before exiting.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { App } from './app';
import type { MigrationStatus } from './db/migrations';
import { BootError } from './errors';
import { HttpError } from './http/errors';
import { scaffoldPlugin } from './scaffold';
import { ALREADY_SEEDED, DEMO_PASSWORD, describeSeed, SEED_SIZES, seedOrganization, seedPlanOf } from './seed';
import { checkTheme } from './views/theme-check';

const HELP = `Usage: lectern <command>

  start [--migrate] [--no-workers]   serve HTTP (and run job workers unless --no-workers)
  worker                             run job workers only
  migrate [--status]                 run pending migrations, or list them
  seed [--size small|medium|large]   fill a new database with a made-up organization (default medium)
       [--users N] [--courses N]     any count overrides the size's
       [--cohorts N] [--categories N]
       [--password P]                the named accounts' password (admin@example.com, …); none without it
  demo                               seed a small organization once, then serve like start --migrate
  plugins list                       show configured plugins and whether each is enabled
  plugins enable|disable <name>      switch a plugin on or off on every running instance
  plugin new <name> [--dir <dir>]    start a plugin package of your own (default dir: ./<name>)
  theme check <dir> [--json]         check a theme's manifest, templates, strings and assets (exit 1 on errors)
  help                               this text, plus the commands plugins add

Configuration comes from the environment (PORT, DATABASE_URL, REDIS_URL, LECTERN_DATA_DIR,
LECTERN_PLUGINS, LECTERN_THEME, LECTERN_SECRET, LOG_LEVEL) and lectern.config.json.`;

const out = (line: string) => process.stdout.write(line + '\n');

export async function main(argv: string[]): Promise<void> {
  try {
    await run(argv);
  } catch (err) {
    process.stderr.write(`${describe(err)}\n`);
    process.exitCode = 1;
  }
}

/** Problems the user can fix print as one line; anything else with its stack. */
function describe(err: unknown): string {
  if (err instanceof BootError) return err.message;
  if (err instanceof HttpError) return [err.detail, ...(err.errors ?? []).map((e) => `  ${e.path} ${e.message}`)].join('\n');
  return (err as Error).stack ?? String(err);
}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      const { values } = parseArgs({ args: rest, options: { migrate: { type: 'boolean' }, 'no-workers': { type: 'boolean' } } });
      const app = await App.create({ migrate: values.migrate === true, workers: values['no-workers'] !== true });
      await serve(app, true);
      return;
    }
    case 'seed': {
      const plan = seedPlanOf(rest);
      await withApp(async (app) => {
        for (const line of describeSeed(await seedOrganization(app, plan))) out(line);
      }, false);
      return;
    }
    case 'demo':
      await serve(await App.create({ migrate: true, workers: true }), true, seedDemo);
      return;
    case 'worker':
      await serve(await App.create({ workers: true }), false);
      return;
    case 'migrate': {
      const { values } = parseArgs({ args: rest, options: { status: { type: 'boolean' } } });
      await withApp(async (app) => {
        if (values.status) return printMigrationStatus(await app.migrationStatus());
        const ran = await app.migrate();
        out(ran.length ? `ran ${ran.length} migration(s):\n  ${ran.join('\n  ')}` : 'nothing to migrate');
      });
      return;
    }
    case 'plugins': {
      const [action, name] = rest;
      await withApp(async (app) => {
        if (action === 'enable' || action === 'disable') {
          if (!name) throw new BootError('LECTERN_USAGE', `lectern plugins ${action} <name>`);
          await app.setEnabled(name, action === 'enable', { actorId: null, ip: 'cli' });
          out(`${name} ${action}d`);
        } else if (action === 'list' || action === undefined) {
          for (const p of app.pluginStates()) out(`${p.enabled ? 'enabled ' : 'disabled'}  ${p.name}@${p.version}  ${p.description}`);
        } else {
          throw new BootError('LECTERN_USAGE', 'lectern plugins list|enable|disable <name>');
        }
      }, false).catch((err: unknown) => {
        if (!(err instanceof BootError && err.code === 'LECTERN_DATA_DIR_LOCKED') || !name) throw err;
        throw new BootError('LECTERN_DATA_DIR_LOCKED', `${err.message.replace(/^\w+: /, '')}\nWhile it runs, ask the server instead: as an administrator, PATCH /api/v1/plugins/${name} with {"enabled": ${action === 'enable'}} (every instance follows within seconds).`);
      });
      return;
    }
    case 'plugin':
      newPlugin(rest);
      return;
    case 'theme':
      await themeCheck(rest);
      return;
    case undefined:
    case 'help':
    case '--help':
      out(HELP);
      await withApp(async (app) => {
        for (const [name, { plugin, command: c }] of app.commands) out(`  ${name.padEnd(33)}  ${c.description} (${plugin})`);
      }).catch(() => undefined);
      return;
    default:
      await pluginCommand(argv);
  }
}

/** Every migration, core's then each plugin's, applied (with when) or pending, and a last line saying which; exits 0 either way. */
function printMigrationStatus(status: MigrationStatus[]): void {
  const width = Math.max(0, ...status.map((s) => s.id.length));
  for (const s of status) out(`${s.applied ? 'applied' : 'pending'}  ${s.migratedAt ? `${s.id.padEnd(width)}  ${s.migratedAt}` : s.id}`);
  const pending = status.filter((s) => !s.applied).length;
  out(pending ? `${pending} pending: run \`lectern migrate\` (or start with --migrate)` : `all ${status.length} applied`);
}

/** `plugin new <name> [--dir <dir>]`: needs no database, so it runs without an app. */
function newPlugin(args: string[]): void {
  const usage = 'lectern plugin new <name> [--dir <dir>]';
  let parsed: { values: { dir?: string }; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { dir: { type: 'string' } }, allowPositionals: true });
  } catch (err) {
    throw new BootError('LECTERN_USAGE', `${(err as Error).message}. Usage: ${usage}`);
  }
  const [action, name, ...extra] = parsed.positionals;
  if (action !== 'new' || !name || extra.length > 0) throw new BootError('LECTERN_USAGE', usage);
  const dir = path.resolve(parsed.values.dir ?? name);
  const files = scaffoldPlugin({ name, dir });
  out(`created lectern-plugin-${name} in ${dir}:\n  ${files.join('\n  ')}`);
  out(`next: cd ${dir} && npm install && npm test`);
}

/**
 * `theme check <dir> [--json]`: needs no database. One line per issue (`error THEME_X file: message`), then a
 * summary; exit code 1 if any error (warnings alone pass). Only the core's helpers count as known.
 */
async function themeCheck(args: string[]): Promise<void> {
  const usage = 'lectern theme check <dir> [--json]';
  let parsed: { values: { json?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  } catch (err) {
    throw new BootError('LECTERN_USAGE', `${(err as Error).message}. Usage: ${usage}`);
  }
  const [action, dir, ...extra] = parsed.positionals;
  if (action !== 'check' || !dir || extra.length > 0) throw new BootError('LECTERN_USAGE', usage);
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new BootError('LECTERN_USAGE', `${dir} is not a directory. Usage: ${usage}`);
  const issues = await checkTheme(dir);
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  if (parsed.values.json) {
    out(JSON.stringify({ dir, errors, warnings, issues }, null, 2));
  } else {
    for (const i of issues) out(`${i.severity} ${i.code} ${i.file}: ${i.message}`);
    out(issues.length ? `${errors} error(s), ${warnings} warning(s) in ${dir}` : `${dir}: no issues`);
  }
  if (errors) process.exitCode = 1;
}

/** Runs `fn` with an app whose database is open (and, with `start`, started without workers). */
async function withApp(fn: (app: App) => Promise<void>, skipStart = true): Promise<void> {
  const app = await App.create({ workers: false, config: { logLevel: 'warn' } });
  try {
    if (!skipStart) await app.start();
    await fn(app);
  } finally {
    await app.stop();
  }
}

async function pluginCommand(argv: string[]): Promise<void> {
  const app = await App.create({ workers: false, config: { logLevel: 'warn' } });
  try {
    const words = argv.filter((a) => !a.startsWith('-'));
    const name = [2, 1].map((n) => words.slice(0, n).join(' ')).find((n) => app.commands.has(n));
    if (!name) throw new BootError('LECTERN_USAGE', `unknown command "${argv.join(' ')}"; see \`lectern help\``);
    const { plugin, command } = app.commands.get(name) as NonNullable<ReturnType<typeof app.commands.get>>;
    const args = parseArgs({ args: argv.slice(name.split(' ').length), options: command.options ?? {}, allowPositionals: true });
    if (command.start !== false) await app.start();
    await command.run({ values: args.values, positionals: args.positionals }, app.contextOf(plugin));
  } finally {
    await app.stop();
  }
}

/** `lectern demo`: a small organization the first time, then how to sign in (the server not yet listening). */
async function seedDemo(app: App): Promise<void> {
  const signIn = `at ${app.config.publicUrl}/login as admin@example.com, instructor@example.com or learner@example.com, password ${DEMO_PASSWORD}`;
  try {
    for (const line of describeSeed(await seedOrganization(app, { ...SEED_SIZES.small, password: DEMO_PASSWORD }))) out(line);
    out(`sign in ${signIn}`);
  } catch (err) {
    if (!(err instanceof BootError && err.code === ALREADY_SEEDED)) throw err;
    out(`not seeding: ${err.message.replace(/^\w+: /, '')}`);
    out(`if \`lectern demo\` seeded this database before, sign in ${signIn}`);
  }
}

async function serve(app: App, http: boolean, beforeListen?: (app: App) => Promise<void>): Promise<void> {
  try {
    await app.start();
    await beforeListen?.(app);
    if (http) await app.listen();
  } catch (err) {
    await app.stop().catch(() => undefined);
    throw err;
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    app.log.info({ signal }, 'shutting down: draining requests and jobs');
    app.stop().then(() => process.exit(0), (err: unknown) => {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) void main(process.argv.slice(2));
