// The end-to-end harness: a real Lectern server in this process on 127.0.0.1 (embedded PGlite in a
// temporary data dir, or PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set, in a fresh schema), a
// first admin made as `lectern user create` makes it, headless Chromium through playwright-core, and
// axe-core run inside each page. Screenshots go to artifacts/e2e/.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import knexFactory from 'knex';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp, type App } from 'lectern';

export const root = path.resolve(__dirname, '..', '..', '..');
export const artifacts = path.join(root, 'artifacts', 'e2e');

export interface Server { app: App; url: string; close(): Promise<void> }

/** Starts the app with the default plugins on a free port. */
export async function startServer(): Promise<Server> {
  const env = process.env;
  const id = crypto.randomBytes(5).toString('hex');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-e2e-'));
  const schema = env.DATABASE_URL ? `e2e_${id}` : undefined;
  if (schema) {
    const admin = knexFactory({ client: 'pg', connection: env.DATABASE_URL });
    await admin.raw(`create schema "${schema}"`).finally(() => admin.destroy());
  }
  const app = await createApp({
    config: {
      databaseUrl: env.DATABASE_URL || undefined, redisUrl: env.REDIS_URL || undefined, dataDir,
      plugins: ['auth', 'courses', 'content', 'reporting', 'maintenance'], logLevel: 'silent',
      host: '127.0.0.1', port: 0, jobs: { prefix: `e2e${id}` },
    },
    env: {}, migrate: true, ephemeralSecret: true, logger: pino({ level: 'silent' }),
    database: schema ? { schema } : undefined,
  });
  await app.start();
  const address = await app.listen(0, '127.0.0.1');
  return {
    app, url: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.stop();
      if (schema) {
        const admin = knexFactory({ client: 'pg', connection: env.DATABASE_URL });
        await admin.raw(`drop schema "${schema}" cascade`).finally(() => admin.destroy());
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Makes an account as `lectern user create --email --name --password --role` does. */
export async function createAccount(app: App, values: { email: string; name: string; password: string; role?: string }): Promise<void> {
  const entry = app.commands.get('user create');
  if (!entry) throw new Error('the auth plugin did not register `user create`');
  const write = process.stdout.write;
  process.stdout.write = () => true; // the command prints its result; keep the test output clean
  try {
    await entry.command.run({ values, positionals: [] }, app.contextOf(entry.plugin));
  } finally {
    process.stdout.write = write;
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

let shots = 0;
/** Saves a full-page screenshot as artifacts/e2e/<nn>-<step>.png. */
export async function screenshot(page: Page, step: string): Promise<void> {
  fs.mkdirSync(artifacts, { recursive: true });
  shots += 1;
  const name = `${String(shots).padStart(2, '0')}-${step.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}.png`;
  await page.screenshot({ path: path.join(artifacts, name), fullPage: true });
}

interface AxeNode { target: unknown[]; html: string }
interface AxeViolation { id: string; impact: string | null; help: string; helpUrl: string; nodes: AxeNode[] }
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2 A and AA) in the page and answers each serious or critical violation as
 * "<page>: <rule> (<help>) at <targets>". The script is evaluated through the DevTools protocol,
 * which the page's CSP (`script-src 'self'`) does not govern.
 */
export async function seriousViolations(page: Page, label: string): Promise<string[]> {
  const hasAxe = await page.evaluate('typeof window.axe === "object"');
  if (!hasAxe) await page.evaluate(axeSource);
  // A string, not a function: this project compiles without the DOM library.
  const violations = await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })) })))`) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${label}: ${v.id} [${v.impact}] (${v.help}) at ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 120)}`).join(' | ')}`);
}

/** The CSRF token the page's forms carry (the session's). */
export async function csrfOf(page: Page): Promise<string> {
  const token = await page.locator('input[name="_csrf"]').first().getAttribute('value');
  if (!token) throw new Error(`no CSRF token on ${page.url()}`);
  return token;
}
