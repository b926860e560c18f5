// Who is calling: a bearer API token or the session cookie, resolved with one indexed query that also
// checks the account is active. Nothing is cached, so a deactivation, logout or revocation takes
// effect on the very next request on every instance; roles and permissions come from the core's
// cached permission engine.
import type { IdentityProvider, Knex, Principal } from 'lectern';
import { SESSION_COOKIE } from './sessions';
import { TOKEN_PREFIX } from './tokens';
import { digest } from './secrets';
import { authSettings } from './settings';

/** last_seen_at / last_used_at are refreshed at most this often (a write per request would be waste). */
const TOUCH_MS = 60_000;

interface Found { credential_id: number; user_id: number; email: string; name: string; seen: Date | null; csrf_token?: string }

export const authIdentity: IdentityProvider = {
  async resolve(req, ctx) {
    const header = req.headers.authorization;
    const now = ctx.now();
    if (typeof header === 'string' && header.length > 7 && header.slice(0, 7).toLowerCase() === 'bearer ') {
      const token = header.slice(7).trim();
      if (!token.startsWith(TOKEN_PREFIX)) return null;
      const found: Found | undefined = await ctx.db('auth_tokens as t').join('auth_users as u', 'u.id', 't.user_id')
        .where({ 't.token_hash': digest(token), 'u.status': 'active' }).andWhere('t.expires_at', '>', now)
        .first('t.id as credential_id', 't.user_id', 'u.email', 'u.name', 't.last_used_at as seen');
      if (!found) return null;
      await touch(ctx.db, 'auth_tokens', 'last_used_at', found, now);
      return principal(found, 'token');
    }
    const cookie = req.cookie(SESSION_COOKIE);
    if (!cookie) return null;
    const { sessionIdleMinutes } = await ctx.settings(authSettings);
    const found: Found | undefined = await ctx.db('auth_sessions as s').join('auth_users as u', 'u.id', 's.user_id')
      .where({ 's.token_hash': digest(cookie), 'u.status': 'active' }).andWhere('s.expires_at', '>', now)
      .andWhere('s.last_seen_at', '>', new Date(now.getTime() - sessionIdleMinutes * 60_000))
      .first('s.id as credential_id', 's.user_id', 'u.email', 'u.name', 's.last_seen_at as seen', 's.csrf_token');
    if (!found) return null;
    await touch(ctx.db, 'auth_sessions', 'last_seen_at', found, now);
    return { ...principal(found, 'session'), csrfToken: found.csrf_token };
  },
};

function principal(f: Found, via: 'session' | 'token'): Principal {
  return { id: String(f.user_id), email: f.email, name: f.name, via };
}

async function touch(db: Knex, table: string, column: string, f: Found, now: Date): Promise<void> {
  if (f.seen && now.getTime() - new Date(f.seen).getTime() < TOUCH_MS) return;
  await db(table).where({ id: f.credential_id }).update({ [column]: now });
}
