// Signing in and recovering an account, shared by the JSON API and the pages: the one place a
// password is verified for login (throttled, audited, the same answer for every failure), the start
// of a session (announced as signedIn), and password reset / invitation links.
import { unauthorized, type RouteRequest } from 'lectern';
import { authSettings, type AuthSettings } from './settings';
import { checkPolicy, hashPassword, verifyPassword } from './passwords';
import { loginSucceeded, reserveLogin, reserveResetRequest } from './throttle';
import { findByEmail, revokeCredentials, type UserRow } from './users';
import { startSession } from './sessions';
import { consumeLink } from './links';
import { sendResetLink } from './reset-link-job';
import { signedIn } from './api';

const WRONG = 'Wrong email or password.';

export async function authenticate(req: RouteRequest, email: string, password: string, settings: AuthSettings): Promise<UserRow> {
  const login = await reserveLogin(req, email, settings);
  const user = await findByEmail(req.db, email);
  const ok = await verifyPassword(password, user?.password_hash);
  if (!user || !ok || user.status !== 'active') {
    await req.audit({ action: 'auth.login.failure', actorId: user ? String(user.id) : null, target: user ? { type: 'user', id: String(user.id) } : undefined, details: { email } });
    throw unauthorized(WRONG);
  }
  await loginSucceeded(req.db, login);
  return user;
}

/** Checks the credentials and starts a session (new id, cookie set); returns the user and the session's CSRF token. */
export async function signIn(req: RouteRequest, email: string, password: string): Promise<{ user: UserRow; csrfToken: string; expiresAt: Date }> {
  const settings = await req.settings(authSettings);
  const id = String((await authenticate(req, email, password, settings)).id);
  return req.transaction(async (tx) => {
    const [user] = await tx.db('auth_users').where({ id }).update({ last_login_at: req.now() }).returning('*');
    const session = await startSession(req, tx.db, id, settings);
    await tx.audit({ action: 'auth.login', actorId: id, target: { type: 'user', id } });
    tx.emit(signedIn, { userId: id, at: req.now().toISOString(), method: 'password' });
    return { user: user as UserRow, ...session };
  });
}

/**
 * Has a reset link emailed when the address has an active account; says nothing either way, and does the
 * same work either way (the job decides).
 */
export async function requestPasswordReset(req: RouteRequest, email: string): Promise<AuthSettings> {
  const settings = await req.settings(authSettings);
  // Throttled like failed logins: nobody floods an inbox with links, or probes from one address for long.
  await reserveResetRequest(req, email, settings);
  await req.transaction((tx) => tx.enqueue(sendResetLink, { email, ip: req.ip }));
  return settings;
}

/** Uses a reset or invitation link to set a password; every existing credential of the account ends. */
export async function setPasswordWithLink(req: RouteRequest, token: string, password: string): Promise<void> {
  const settings = await req.settings(authSettings);
  await req.transaction(async (tx) => {
    const { userId, purpose } = await consumeLink(tx, token, req.now());
    const user = await tx.db('auth_users').where({ id: userId }).first('email');
    checkPolicy(password, settings, 'body.password', user.email);
    await revokeCredentials(req, tx.db, userId);
    await tx.db('auth_users').where({ id: userId }).update({ password_hash: await hashPassword(password), updated_at: req.now() });
    await tx.audit({ action: purpose === 'reset' ? 'auth.password.reset' : 'auth.invitation.accept', actorId: userId, target: { type: 'user', id: userId } });
  });
}
