// Browser sessions kept in the database: a random id in an HttpOnly SameSite=Lax cookie, a new id at
// every login, idle and absolute expiry, a CSRF token per session, and revocation by the user.
import type { Knex, RouteRequest } from 'lectern';
import { digest, newSecret } from './secrets';
import { credentialsChanged } from './credential-changes';
import type { AuthSettings } from './settings';

export const SESSION_COOKIE = 'lectern_session';

export interface SessionInfo { id: string; createdAt: string; lastSeenAt: string; expiresAt: string; ip: string | null; userAgent: string | null; current: boolean }

/** Starts a session for a user (ending the one the browser had), and sets the cookie. */
export async function startSession(req: RouteRequest, db: Knex, userId: string, settings: AuthSettings): Promise<{ csrfToken: string; expiresAt: Date }> {
  const previous = req.cookies.get(SESSION_COOKIE);
  if (previous) {
    const ended: { user_id: number }[] = await db('auth_sessions').where({ token_hash: digest(previous) }).delete().returning('user_id');
    if (ended.length) await credentialsChanged(req, db, [String(ended[0].user_id)]);
  }
  const token = newSecret();
  const csrfToken = newSecret();
  const now = req.now();
  const expiresAt = new Date(now.getTime() + settings.sessionAbsoluteHours * 3_600_000);
  await db('auth_sessions').insert({
    token_hash: digest(token), user_id: userId, csrf_token: csrfToken, ip: req.ip,
    user_agent: req.header('user-agent')?.slice(0, 300) || null, created_at: now, last_seen_at: now, expires_at: expiresAt,
  });
  req.cookies.set(SESSION_COOKIE, token, { expires: expiresAt });
  return { csrfToken, expiresAt };
}

/** Ends the session the request came with, and clears the cookie. */
export async function endSession(req: RouteRequest): Promise<void> {
  const token = req.cookies.get(SESSION_COOKIE);
  if (token) {
    await req.transaction(async (tx) => {
      const ended: { user_id: number }[] = await tx.db('auth_sessions').where({ token_hash: digest(token) }).delete().returning('user_id');
      if (ended.length) await credentialsChanged(req, tx.db, [String(ended[0].user_id)]);
    });
  }
  req.cookies.set(SESSION_COOKIE, null);
}

export async function listSessions(req: RouteRequest, userId: string): Promise<SessionInfo[]> {
  const current = req.cookies.get(SESSION_COOKIE);
  const currentHash = current ? digest(current) : '';
  const rows: { id: number; token_hash: string; created_at: Date; last_seen_at: Date; expires_at: Date; ip: string | null; user_agent: string | null }[] =
    await req.db('auth_sessions').where({ user_id: userId }).where('expires_at', '>', req.now()).orderBy('id', 'desc').limit(200);
  return rows.map((r) => ({
    id: String(r.id), createdAt: new Date(r.created_at).toISOString(), lastSeenAt: new Date(r.last_seen_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(), ip: r.ip, userAgent: r.user_agent, current: r.token_hash === currentHash,
  }));
}
