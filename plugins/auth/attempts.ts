// Counting attempts at something guessable (a password, an enrollment key) in auth_throttles, so every
// instance counts the same. An attempt is reserved before it is checked, one atomic upsert per key that
// counts it only while the key has attempts left: however many arrive at once, at most `limit` per
// window are ever checked, and the rest are refused (429 with Retry-After) without being checked or
// counted. An attempt that turns out to be right is released, so only failures use up a limit.
import { tooManyRequests, type Knex, type PluginContext } from 'lectern';
import type { AttemptLimit, AttemptReservation, Attempts } from './api';

/** The key's window starts with its first attempt; the attempt that reaches the limit blocks the key for a window. */
const RESERVE = `insert into auth_throttles as t (key, failures, window_started_at, blocked_until)
  values (?, 1, ?, case when 1 >= ? then ?::timestamptz end)
  on conflict (key) do update set
    failures = case when t.window_started_at <= ? then 1 else t.failures + 1 end,
    window_started_at = case when t.window_started_at <= ? then excluded.window_started_at else t.window_started_at end,
    blocked_until = case when (case when t.window_started_at <= ? then 1 else t.failures + 1 end) >= ? then ?::timestamptz end
  where t.blocked_until is null or t.blocked_until <= excluded.window_started_at
  returning window_started_at`;

/**
 * Counts one attempt under each key in turn; when a key is blocked, gives back what it counted under the
 * earlier ones and throws 429. List the caller's own keys first (e.g. the address before the account),
 * so refused attempts never touch a key shared with others.
 */
export async function reserveAttempt(db: Knex, limits: readonly AttemptLimit[], windowMinutes: number, now: Date, counted: string): Promise<AttemptReservation> {
  const windowStart = new Date(now.getTime() - windowMinutes * 60_000);
  const blockUntil = new Date(now.getTime() + windowMinutes * 60_000);
  const reserved: { key: string; windowStartedAt: Date }[] = [];
  for (const { key, limit } of limits) {
    const { rows } = await db.raw(RESERVE, [key, now, limit, blockUntil, windowStart, windowStart, windowStart, limit, blockUntil]);
    if (!rows.length) {
      await releaseAttempt(db, { counted: reserved });
      throw await refusal(db, key, now, counted);
    }
    reserved.push({ key, windowStartedAt: new Date(rows[0].window_started_at) });
  }
  return { counted: reserved };
}

/** Gives back a reserved attempt (unless its window has started again since), lifting a block it caused. */
export async function releaseAttempt(db: Knex, reservation: AttemptReservation): Promise<void> {
  for (const { key, windowStartedAt } of reservation.counted) {
    await db('auth_throttles').where({ key, window_started_at: windowStartedAt }).andWhere('failures', '>', 0)
      .update({ failures: db.raw('failures - 1'), blocked_until: null });
  }
}

async function refusal(db: Knex, key: string, now: Date, counted: string) {
  const row: { blocked_until: Date | null } | undefined = await db('auth_throttles').where({ key }).first('blocked_until');
  const until = row?.blocked_until ? new Date(row.blocked_until).getTime() : now.getTime();
  const seconds = Math.max(1, Math.ceil((until - now.getTime()) / 1000));
  return tooManyRequests(seconds, `Too many ${counted}. Try again in ${seconds} seconds.`);
}

/** The `AuthAttempts` service: other plugins' keys live beside auth's own, never mixed with them. */
export function attemptsService(ctx: PluginContext): Attempts {
  return {
    reserve: (limits, opts) => reserveAttempt(ctx.db, limits.map((l) => ({ key: `plugin:${l.key}`, limit: l.limit })), opts.windowMinutes, ctx.now(), opts.counted),
    release: (reservation) => releaseAttempt(ctx.db, reservation),
  };
}
