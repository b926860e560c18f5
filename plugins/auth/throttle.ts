// Throttling per account and per client address, kept in the database so every instance counts the
// same: failed logins, and password reset requests (each one mails a link; counted whether or not the
// address has an account, so a 429 tells nothing about accounts). Account keys are hashed: the table
// never holds an email address.
import { tooManyRequests, type Knex } from 'lectern';
import { digest } from './secrets';
import type { AuthSettings } from './settings';

export interface ThrottleKeys { account: string; ip: string }

const PREFIXES = { login: ['account', 'ip'], reset: ['reset', 'reset-ip'] } as const;

export const throttleKeys = (email: string, ip: string, what: keyof typeof PREFIXES = 'login'): ThrottleKeys =>
  ({ account: `${PREFIXES[what][0]}:${digest(email.trim().toLowerCase())}`, ip: `${PREFIXES[what][1]}:${ip}` });

/** Throws 429 with Retry-After while either key is blocked. */
export async function assertNotThrottled(db: Knex, keys: ThrottleKeys, now: Date, counted = 'failed attempts'): Promise<void> {
  const blocked: { blocked_until: Date }[] = await db('auth_throttles').whereIn('key', [keys.account, keys.ip])
    .andWhere('blocked_until', '>', now).select('blocked_until');
  if (!blocked.length) return;
  const until = Math.max(...blocked.map((b) => new Date(b.blocked_until).getTime()));
  const seconds = Math.max(1, Math.ceil((until - now.getTime()) / 1000));
  throw tooManyRequests(seconds, `Too many ${counted}. Try again in ${seconds} seconds.`);
}

/** Counts a failure (or a reset request) against both keys (atomically, whatever instance sees it) and blocks a key at its limit. */
export async function recordFailure(db: Knex, keys: ThrottleKeys, settings: AuthSettings, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - settings.throttleMinutes * 60_000);
  const blockUntil = new Date(now.getTime() + settings.throttleMinutes * 60_000);
  for (const [key, limit] of [[keys.account, settings.maxFailuresPerAccount], [keys.ip, settings.maxFailuresPerIp]] as const) {
    await db.raw(`insert into auth_throttles (key, failures, window_started_at, blocked_until)
      values (?, 1, ?, case when 1 >= ? then ?::timestamptz end)
      on conflict (key) do update set
        failures = case when auth_throttles.window_started_at < ? then 1 else auth_throttles.failures + 1 end,
        window_started_at = case when auth_throttles.window_started_at < ? then excluded.window_started_at else auth_throttles.window_started_at end,
        blocked_until = case
          when (case when auth_throttles.window_started_at < ? then 1 else auth_throttles.failures + 1 end) >= ? then ?::timestamptz
          else auth_throttles.blocked_until end`,
    [key, now, limit, blockUntil, windowStart, windowStart, windowStart, limit, blockUntil]);
  }
}

/** A successful login forgets the account's failures (not the address's). */
export async function clearAccount(db: Knex, keys: ThrottleKeys): Promise<void> {
  await db('auth_throttles').where({ key: keys.account }).delete();
}
