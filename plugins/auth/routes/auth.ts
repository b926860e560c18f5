// Signing in and out: login (session cookie), personal API tokens, logout, and password reset by
// email. Every failure reads the same whether or not the account exists.
import { defineRoute, reply, Reply, unauthorized, Type, type RouteRequest } from 'lectern';
import { authSettings, type AuthSettings } from '../settings';
import { checkPolicy, hashPassword, verifyPassword } from '../passwords';
import { assertNotThrottled, clearAccount, recordFailure, throttleKeys } from '../throttle';
import { findByEmail, revokeCredentials, toUser, type UserRow } from '../users';
import { endSession, startSession } from '../sessions';
import { createToken } from '../tokens';
import { consumeLink, sendLink } from '../links';

const Email = Type.String({ minLength: 3, maxLength: 320 });
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const WRONG = 'Wrong email or password.';

/** Checks credentials under the throttle; the one place a password is verified for signing in. */
export async function authenticate(req: RouteRequest, email: string, password: string, settings: AuthSettings): Promise<UserRow> {
  const keys = throttleKeys(email, req.ip);
  const now = req.now();
  await assertNotThrottled(req.db, keys, now);
  const user = await findByEmail(req.db, email);
  const ok = await verifyPassword(password, user?.password_hash);
  if (!user || !ok || user.status !== 'active') {
    await recordFailure(req.db, keys, settings, now);
    await req.audit({ action: 'auth.login.failure', actorId: user ? String(user.id) : null, target: user ? { type: 'user', id: String(user.id) } : undefined, details: { email } });
    throw unauthorized(WRONG);
  }
  await clearAccount(req.db, keys);
  return user;
}

export const authRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/auth/login', public: true, summary: 'Sign in; sets the session cookie',
    body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
    async handler(req) {
      const settings = await req.settings(authSettings);
      const user = await authenticate(req, req.body.email, req.body.password, settings);
      const id = String(user.id);
      const session = await req.transaction(async (tx) => {
        const [row] = await tx.db('auth_users').where({ id }).update({ last_login_at: req.now() }).returning('*');
        const started = await startSession(req, tx.db, id, settings);
        await tx.audit({ action: 'auth.login', actorId: id, target: { type: 'user', id } });
        return { ...started, user: toUser(row) };
      });
      return { user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/auth/logout', authenticated: true, summary: 'End this session',
    async handler(req) {
      await endSession(req);
      await req.audit({ action: 'auth.logout', target: { type: 'user', id: req.principal?.id as string } });
      return reply.noContent();
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/auth/tokens', public: true, summary: 'Create a personal API token',
    body: Type.Object({ email: Email, password: Password, name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false }),
    async handler(req) {
      const settings = await req.settings(authSettings);
      const user = await authenticate(req, req.body.email, req.body.password, settings);
      const id = String(user.id);
      const created = await req.transaction(async (tx) => {
        const out = await createToken(tx.db, id, req.body.name ?? 'API token', req.now(), settings.tokenDefaultDays);
        await tx.audit({ action: 'auth.token.create', actorId: id, target: { type: 'token', id: out.info.id }, details: { name: out.info.name } });
        return out;
      });
      return reply.created({ token: created.token, expiresAt: created.info.expiresAt, id: created.info.id, name: created.info.name });
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/auth/password-reset', public: true, summary: 'Email a password reset link (always 202)',
    body: Type.Object({ email: Email }, { additionalProperties: false }),
    async handler(req) {
      const settings = await req.settings(authSettings);
      const user = await findByEmail(req.db, req.body.email);
      if (user && user.status === 'active') {
        await req.transaction(async (tx) => {
          await sendLink(tx, { id: String(user.id), email: user.email, name: user.name }, 'reset', settings, req.now(), (p) => req.url(p));
          await tx.audit({ action: 'auth.password.resetRequested', actorId: null, target: { type: 'user', id: String(user.id) } });
        });
      }
      return new Reply(202, { status: 'accepted' });
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/auth/password-reset/confirm', public: true, summary: 'Choose a new password with an emailed link',
    body: Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }), password: Password }, { additionalProperties: false }),
    async handler(req) {
      const settings = await req.settings(authSettings);
      await req.transaction(async (tx) => {
        const { userId, purpose } = await consumeLink(tx, req.body.token, req.now());
        const user = await tx.db('auth_users').where({ id: userId }).first('email', 'status');
        checkPolicy(req.body.password, settings, 'body.password', user.email);
        await revokeCredentials(tx.db, userId);
        await tx.db('auth_users').where({ id: userId }).update({ password_hash: await hashPassword(req.body.password), updated_at: req.now() });
        await tx.audit({ action: purpose === 'reset' ? 'auth.password.reset' : 'auth.invitation.accept', actorId: userId, target: { type: 'user', id: userId } });
      });
      return reply.noContent();
    },
  }),
];
