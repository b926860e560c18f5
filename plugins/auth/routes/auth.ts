// Signing in and out over the JSON API: login (session cookie), personal API tokens, logout, and
// password reset by email. Every failure reads the same whether or not the account exists.
import { defineRoute, reply, Reply, Type } from 'lectern';
import { authSettings } from '../settings';
import { toUser } from '../users';
import { endSession } from '../sessions';
import { createToken } from '../tokens';
import { authenticate, requestPasswordReset, setPasswordWithLink, signIn } from '../signin';
import { CreatedToken, ResetRequested, SignedIn } from '../schemas';
import { signedIn } from '../api';

const Email = Type.String({ minLength: 3, maxLength: 320 });
const Password = Type.String({ minLength: 1, maxLength: 1024 });

export const authRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/auth/login', public: true, summary: 'Sign in; sets the session cookie',
    body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
    responses: { 200: SignedIn }, errors: [401, 429],
    async handler(req) {
      const { user, csrfToken, expiresAt } = await signIn(req, req.body.email, req.body.password);
      return { user: toUser(user), csrfToken, expiresAt: expiresAt.toISOString() };
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/auth/logout', authenticated: true, summary: 'End this session', responses: { 204: null },
    async handler(req) {
      await endSession(req);
      await req.audit({ action: 'auth.logout', target: { type: 'user', id: req.principal.id } });
      return reply.noContent();
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/auth/tokens', public: true, summary: 'Create a personal API token',
    body: Type.Object({ email: Email, password: Password, name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false }),
    responses: { 201: CreatedToken }, errors: [401, 429],
    async handler(req) {
      const settings = await req.settings(authSettings);
      const id = String((await authenticate(req, req.body.email, req.body.password, settings)).id);
      const created = await req.transaction(async (tx) => {
        const out = await createToken(tx.db, id, req.body.name ?? 'API token', req.now(), settings.tokenDefaultDays);
        await tx.audit({ action: 'auth.token.create', actorId: id, target: { type: 'token', id: out.info.id }, details: { name: out.info.name } });
        tx.emit(signedIn, { userId: id, at: req.now().toISOString(), method: 'token' });
        return out;
      });
      return reply.created({ token: created.token, expiresAt: created.info.expiresAt, id: created.info.id, name: created.info.name });
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/auth/password-reset', public: true, summary: 'Email a password reset link (always 202)',
    body: Type.Object({ email: Email }, { additionalProperties: false }),
    responses: { 202: ResetRequested }, errors: [429],
    async handler(req) {
      await requestPasswordReset(req, req.body.email);
      return new Reply(202, { status: 'accepted' });
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/auth/password-reset/confirm', public: true, summary: 'Choose a new password with an emailed link',
    body: Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }), password: Password }, { additionalProperties: false }),
    responses: { 204: null },
    async handler(req) {
      await setPasswordWithLink(req, req.body.token, req.body.password);
      return reply.noContent();
    },
  }),
];
