// A nightly sweep of what has expired: sessions, API tokens, used or stale links, old throttles, and
// old imports (with their staged rows). Each run leaves an `auth.cleanup` audit record with its counts,
// written with the deletes, so the maintenance log shows it beside the maintenance plugin's housekeeping.
// Sessions that ended by going unused (idle) are kept for the privacy plugin's retention (auth.sessions).
import { CoreServices, defineJob, Type, type Knex, type RetentionKind } from 'lectern';

/** Deletes the sessions that ended before `before`: past their absolute end, or unused for the idle time by then. */
export async function pruneSessions(db: Knex, before: Date, idleMinutes: number): Promise<number> {
  return db('auth_sessions').where('expires_at', '<=', before)
    .orWhere('last_seen_at', '<=', new Date(before.getTime() - idleMinutes * 60_000)).delete();
}

/** Ended sessions (with the address and browser they were used from) are kept this many days. */
export const sessionRetention: RetentionKind = {
  kind: 'auth.sessions', label: 'Ended sessions (address and browser they were used from)', defaultDays: 30,
  async prune(before, ctx) {
    const settings = await ctx.resolve(CoreServices.settings).current('auth');
    return pruneSessions(ctx.db, before, Number(settings.sessionIdleMinutes));
  },
};

export const cleanup = defineJob({
  name: 'auth.cleanup',
  payload: Type.Object({}, { additionalProperties: false }),
  schedule: { cron: '17 3 * * *', payload: {} },
  async handler(_payload, job) {
    const now = job.now();
    return job.transaction(async ({ db, audit }) => {
      const sessions = await db('auth_sessions').where('expires_at', '<=', now).delete();
      const tokens = await db('auth_tokens').where('expires_at', '<=', now).delete();
      const links = await db('auth_links').where('expires_at', '<=', now).orWhereNotNull('used_at').delete();
      const throttles = await db('auth_throttles').where('window_started_at', '<', new Date(now.getTime() - 86_400_000))
        .andWhere((q) => q.whereNull('blocked_until').orWhere('blocked_until', '<=', now)).delete();
      // Finished imports are kept a month (their results and failed lines); unfinished ones a week.
      const imports = await db('auth_imports')
        .where((q) => q.whereNotNull('finished_at').andWhere('finished_at', '<', new Date(now.getTime() - 30 * 86_400_000)))
        .orWhere((q) => q.whereNull('finished_at').andWhere('created_at', '<', new Date(now.getTime() - 7 * 86_400_000)))
        .delete();
      const counts = { sessions, tokens, links, throttles, imports };
      await audit({ action: 'auth.cleanup', details: counts });
      return counts;
    });
  },
});
