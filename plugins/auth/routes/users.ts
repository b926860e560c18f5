// Account administration: list and search, create (with an invitation when no password is given),
// edit, deactivate and reactivate.
import { badRequest, CoreServices, defineRoute, forbidden, pageQuery, reply, SYSTEM, Type } from 'lectern';
import { authPermissions } from '../permissions';
import { authSettings } from '../settings';
import { checkPolicy, hashPassword } from '../passwords';
import { checkEmail, findByEmail, getUser, insertUser, listUsers, revokeCredentials, setStatus, toUser } from '../users';
import { sendLink } from '../links';
import { userCreated, userDeactivated, userReactivated } from '../api';

const Id = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });
const Status = Type.Union([Type.Literal('active'), Type.Literal('deactivated')]);

export const userRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/users', permission: authPermissions.viewUsers, summary: 'Search and filter accounts',
    query: Type.Object({
      q: Type.Optional(Type.String({ maxLength: 200 })),
      status: Type.Optional(Status),
      role: Type.Optional(Type.String({ maxLength: 64 })),
      cohortId: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
      limit: pageQuery.limit,
      cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
    }),
    async handler(req) {
      const rows = await listUsers(req, { ...req.query, after: req.query.cursor });
      const page = rows.slice(0, req.query.limit);
      return { items: page.map(toUser), nextCursor: rows.length > req.query.limit ? String(page[page.length - 1].id) : null };
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/users', permission: authPermissions.manageUsers, summary: 'Create an account',
    body: Type.Object({
      email: Type.String({ format: 'email', maxLength: 320 }),
      name: Type.String({ minLength: 1, maxLength: 200 }),
      password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
      roles: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20, uniqueItems: true })),
    }, { additionalProperties: false }),
    async handler(req) {
      const { email, name, password, roles = [] } = req.body;
      checkEmail(email);
      const settings = await req.settings(authSettings);
      if (password !== undefined) checkPolicy(password, settings, 'body.password', email);
      if (roles.length && !(await req.allowed(authPermissions.manageRoles))) throw forbidden('Assigning roles needs roles:manage.');
      const engine = req.resolve(CoreServices.permissions);
      const user = await req.transaction(async (tx) => {
        const row = await insertUser(tx.db, { email, name, passwordHash: password ? await hashPassword(password) : null });
        const id = String(row.id);
        for (const role of roles) await engine.assign(id, role, SYSTEM, tx.db);
        if (!password) await sendLink(tx, { id, email: row.email, name: row.name }, 'invitation', settings, req.now(), (p) => req.url(p));
        await tx.audit({ action: 'auth.user.create', target: { type: 'user', id }, details: { email: row.email, roles, invited: !password } });
        tx.emit(userCreated, { userId: id, email: row.email });
        return row;
      });
      return reply.created(toUser(user));
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/users/:id', permission: authPermissions.viewUsers, params: Id, summary: 'One account',
    async handler(req) {
      return toUser(await getUser(req.db, req.params.id));
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/users/:id', permission: authPermissions.manageUsers, params: Id, summary: 'Edit an account',
    body: Type.Object({
      email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    }, { additionalProperties: false, minProperties: 1 }),
    async handler(req) {
      const { id } = req.params;
      const { email, name, password } = req.body;
      const before = await getUser(req.db, id);
      if (email !== undefined) {
        checkEmail(email);
        const other = await findByEmail(req.db, email);
        if (other && String(other.id) !== id) throw badRequest(`a user with email ${email} already exists`, [{ path: 'body.email', message: 'is taken' }]);
      }
      if (password !== undefined) checkPolicy(password, await req.settings(authSettings), 'body.password', email ?? before.email);
      const after = await req.transaction(async (tx) => {
        const changes: Record<string, unknown> = { updated_at: req.now() };
        if (email !== undefined) changes.email = email;
        if (name !== undefined) changes.name = name.trim();
        if (password !== undefined) {
          changes.password_hash = await hashPassword(password);
          await revokeCredentials(tx.db, id);
        }
        const [row] = await tx.db('auth_users').where({ id }).update(changes).returning('*');
        const changed = Object.keys(req.body).filter((k) => k !== 'password' || password !== undefined);
        await tx.audit({
          action: 'auth.user.update', target: { type: 'user', id },
          details: { fields: changed, ...(email !== undefined && email !== before.email ? { email: { from: before.email, to: email } } : {}) },
        });
        return row;
      });
      return toUser(after);
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/users/:id/deactivate', permission: authPermissions.manageUsers, params: Id,
    summary: 'Deactivate: no login, every session and token revoked, all data kept',
    async handler(req) {
      const row = await req.transaction(async (tx) => {
        const r = await setStatus(tx, req.params.id, 'deactivated');
        tx.emit(userDeactivated, { userId: req.params.id });
        return r;
      });
      return toUser(row);
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/users/:id/reactivate', permission: authPermissions.manageUsers, params: Id, summary: 'Reactivate an account',
    async handler(req) {
      const row = await req.transaction(async (tx) => {
        const r = await setStatus(tx, req.params.id, 'active');
        tx.emit(userReactivated, { userId: req.params.id });
        return r;
      });
      return toUser(row);
    },
  }),
];
