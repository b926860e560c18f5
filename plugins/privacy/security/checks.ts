// The checks of the security report (in the spirit of Moodle's security overview). Each has a stable code,
// a severity (ok, info, warning, critical), what was found and what to do about it. They read what the
// core, the auth plugin (lectern/auth SecurityFacts) and this plugin know; none changes anything.
import { CoreServices, type PluginContext } from 'lectern';
import { AuthSecurityFacts } from 'lectern/auth';
import { PolicyCacheRef } from '../policies/cache';
import { keptKinds } from '../retention/kinds';

export type Severity = 'ok' | 'info' | 'warning' | 'critical';
export interface Check { code: string; severity: Severity; title: string; detail: string; advice: string }

const check = (code: string, severity: Severity, title: string, detail: string, advice = ''): Check => ({ code, severity, title, detail, advice });

async function initialPasswords(ctx: PluginContext): Promise<Check> {
  const found = await ctx.resolve(AuthSecurityFacts).initialPasswords();
  if (!found.length) return check('auth.initial-password', 'ok', 'First administrator password', 'No administrator still uses the password set at first start.');
  const generated = found.some((f) => f.source === 'generated');
  return check('auth.initial-password', generated ? 'critical' : 'warning', 'First administrator password',
    `Still signing in with the password set at first start: ${found.map((f) => `${f.email} (${f.source === 'generated' ? 'random, printed in the log' : 'from LECTERN_ADMIN_PASSWORD'})`).join(', ')}.`,
    'Sign in as this administrator and change the password on the account page.');
}

function cookies(ctx: PluginContext): Check {
  const { publicUrl, trustProxy } = ctx.resolve(CoreServices.system).exposure();
  const local = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(publicUrl);
  if (publicUrl.startsWith('https://') && !trustProxy) {
    return check('http.cookies-secure', 'critical', 'Secure cookies',
      `The site is reached at ${publicUrl} but trustProxy is off: behind a TLS-terminating proxy, session cookies are sent without Secure and HSTS is not sent.`,
      'Set LECTERN_TRUST_PROXY=true (trustProxy) when a reverse proxy terminates TLS, and make it send X-Forwarded-Proto.');
  }
  if (publicUrl.startsWith('http://') && !local) {
    return check('http.cookies-secure', 'warning', 'Secure cookies', `The site is reached at ${publicUrl}, without TLS: passwords and session cookies cross the network readable.`,
      'Serve the site over HTTPS and set publicUrl to its https:// address.');
  }
  return check('http.cookies-secure', 'ok', 'Secure cookies', local ? 'The site runs on this machine only (publicUrl is local).' : 'Session cookies are marked Secure over TLS.');
}

async function queue(ctx: PluginContext): Promise<Check[]> {
  const system = ctx.resolve(CoreServices.system);
  if (system.queueStore() !== 'redis') {
    return [check('queue.redis', 'info', 'Job queue', `Jobs are kept in the database (${system.queueStore()}); Redis is not used.`)];
  }
  const warnings = await system.queueWarnings();
  const persistence = warnings.find((w) => w.includes('appendonly') || w.includes('persistence'));
  const eviction = warnings.find((w) => w.includes('maxmemory-policy'));
  return [
    persistence
      ? check('queue.redis-persistence', 'warning', 'Redis persistence', persistence, 'Set `appendonly yes` in redis.conf.')
      : check('queue.redis-persistence', 'ok', 'Redis persistence', 'Redis keeps an append-only file: queued jobs survive a restart.'),
    eviction
      ? check('queue.redis-eviction', 'critical', 'Redis eviction policy', eviction, 'Set `maxmemory-policy noeviction` in redis.conf.')
      : check('queue.redis-eviction', 'ok', 'Redis eviction policy', 'Redis never evicts queued jobs (noeviction).'),
  ];
}

async function providers(ctx: PluginContext): Promise<Check> {
  const missing = (await ctx.resolve(CoreServices.privacy).personColumns(ctx.db)).filter((c) => !c.covered).map((c) => `${c.table}.${c.column}`);
  return missing.length
    ? check('privacy.providers', 'warning', 'Privacy providers', `Columns that hold a person's id in tables no privacy provider covers: ${missing.join(', ')}. The personal data there is neither exported nor erased on request.`,
      'Ask the authors of the plugins owning these tables for a privacy provider that covers them.')
    : check('privacy.providers', 'ok', 'Privacy providers', 'Every table that refers to a person is covered by a privacy provider (exported and erased on request).');
}

function logging(ctx: PluginContext): Check {
  const { logLevel } = ctx.resolve(CoreServices.system).exposure();
  return logLevel === 'debug' || logLevel === 'trace'
    ? check('logging.level', 'warning', 'Log level', `The log level is ${logLevel}: the logs receive request details that may include personal data.`, 'Set LOG_LEVEL=info in production.')
    : check('logging.level', 'ok', 'Log level', `The log level is ${logLevel}.`);
}

async function authPolicy(ctx: PluginContext): Promise<Check[]> {
  const p = await ctx.resolve(AuthSecurityFacts).policy();
  return [
    check('auth.sessions', 'info', 'Session timeouts', `A session ends after ${p.sessionIdleMinutes} minutes unused, and ${p.sessionAbsoluteHours} hours after signing in in any case.`,
      'Change them with the auth settings sessionIdleMinutes and sessionAbsoluteHours.'),
    check('auth.password-policy', p.passwordMinLength < 12 ? 'warning' : 'info', 'Password policy',
      `Passwords of ${p.passwordMinLength} to ${p.passwordMaxLength} characters, mixing at least ${p.passwordMinClasses} kind(s) of character, none of the ${p.commonPasswords} most common.`,
      p.passwordMinLength < 12 ? 'Raise the auth setting passwordMinLength to 12 or more.' : ''),
  ];
}

async function policies(ctx: PluginContext): Promise<Check> {
  const current = await ctx.resolve(PolicyCacheRef).versions();
  return current.length
    ? check('privacy.policy', 'ok', 'Policies', `Published: ${current.map((v) => `${v.title} (version ${v.version})`).join(', ')}.`)
    : check('privacy.policy', 'warning', 'Policies', 'No privacy notice or terms of use is published: people are not told how their data is used.', 'Publish one on the Policies page.');
}

async function auditRetention(ctx: PluginContext): Promise<Check> {
  const audit = (await keptKinds(ctx)).find((k) => k.kind.kind === 'core.audit');
  return audit && audit.days > 0
    ? check('privacy.audit-retention', 'ok', 'Audit retention', `Audit records are kept ${audit.days} days.`)
    : check('privacy.audit-retention', 'info', 'Audit retention', 'Audit records are kept for ever.', 'Set how long they are kept on the Data retention page, if your rules allow.');
}

export async function securityChecks(ctx: PluginContext): Promise<Check[]> {
  const parts = await Promise.all([
    initialPasswords(ctx), cookies(ctx), queue(ctx), providers(ctx), logging(ctx), authPolicy(ctx), policies(ctx), auditRetention(ctx),
  ]);
  return parts.flat();
}
