// The caller's own account: who am I and what may I do, my profile and password, my sessions and
// my API tokens.
import { CoreServices, defineRoute, reply, unauthorized, Type, type SignedInRequest } from 'lectern';
import { findUser, toUser, type UserRow } from '../users';
import { listSessions } from '../sessions';
import { revokeOwn, updateOwnAccount } from '../user-actions';
import { toTokenInfo } from '../tokens';
import { Me, SessionPage, TokenPage, User } from '../schemas';

const Id = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });

async function me(req: SignedInRequest): Promise<UserRow> {
  const row = await findUser(req.db, req.principal.id);
  if (!row) throw unauthorized('This account does not exist.');
  return row;
}

export const meRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/me', authenticated: true, summary: 'The caller, their roles and system-level permissions', responses: { 200: Me },
    async handler(req) {
      // The identity provider has just read the (active) account: its principal answers without a second query.
      const principal = req.principal;
      const account = principal.via === 'session' || principal.via === 'token'
        ? { email: principal.email as string, name: principal.name as string, status: 'active' }
        : await me(req);
      const engine = req.resolve(CoreServices.permissions);
      const [assignments, permissions] = await Promise.all([engine.assignmentsOfUser(principal.id), engine.permissionsAt(principal.id)]);
      return {
        id: principal.id, email: account.email, name: account.name, status: account.status,
        roles: assignments.map((a) => ({ role: a.role, context: a.context })), permissions,
      };
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/me', authenticated: true, summary: 'Change my name, password or language (locale: one with strings, or null for the system\'s)',
    body: Type.Object({
      locale: Type.Optional(Type.Union([Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$' }), Type.Null()])),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
      currentPassword: Type.Optional(Type.String({ maxLength: 1024 })),
    }, { additionalProperties: false }),
    responses: { 200: User },
    async handler(req) {
      return toUser(await updateOwnAccount(req, await me(req), req.body));
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/me/sessions', authenticated: true, summary: 'My active sessions', responses: { 200: SessionPage },
    async handler(req) {
      return { items: await listSessions(req, req.principal.id), nextCursor: null };
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/me/sessions/:id', authenticated: true, params: Id, summary: 'End one of my sessions', responses: { 204: null },
    async handler(req) {
      await revokeOwn(req, 'session', req.params.id);
      return reply.noContent();
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/me/tokens', authenticated: true, summary: 'My API tokens (never the secrets)', responses: { 200: TokenPage },
    async handler(req) {
      const rows = await req.db('auth_tokens').where({ user_id: req.principal.id }).andWhere('expires_at', '>', req.now()).orderBy('id').limit(200);
      return { items: rows.map(toTokenInfo), nextCursor: null };
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/me/tokens/:id', authenticated: true, params: Id, summary: 'Revoke one of my API tokens', responses: { 204: null },
    async handler(req) {
      await revokeOwn(req, 'token', req.params.id);
      return reply.noContent();
    },
  }),
];
