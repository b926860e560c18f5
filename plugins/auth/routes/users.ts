// Account administration: list and search, create (with an invitation when no password is given),
// edit, deactivate and reactivate.
import { defineRoute, reply, Type } from 'lectern';
import { byId } from '../cursors';
import { authPermissions } from '../permissions';
import { getUser, listUsers, toUser } from '../users';
import { changeStatus, createUser, updateUser } from '../user-actions';
import { User, UserPage, UserStatusSchema } from '../schemas';

const Id = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });

export const userRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/users', permission: authPermissions.viewUsers, summary: 'Search and filter accounts',
    query: Type.Object({
      q: Type.Optional(Type.String({ maxLength: 200 })),
      status: Type.Optional(UserStatusSchema),
      role: Type.Optional(Type.String({ maxLength: 64 })),
      cohortId: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
      ...byId.query,
    }),
    responses: { 200: UserPage },
    async handler(req) {
      const rows = await listUsers(req, { ...req.query, after: req.query.cursor?.[0] });
      return byId.page(rows, req.query.limit, toUser, (r) => [r.id]);
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
    responses: { 201: User }, errors: [409],
    async handler(req) {
      return reply.created(toUser(await createUser(req, req.body)));
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/users/:id', permission: authPermissions.viewUsers, params: Id, summary: 'One account', responses: { 200: User },
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
    responses: { 200: User },
    async handler(req) {
      return toUser(await updateUser(req, req.params.id, req.body));
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/users/:id/deactivate', permission: authPermissions.manageUsers, params: Id,
    summary: 'Deactivate: no login, every session and token revoked, all data kept', responses: { 200: User }, errors: [409],
    async handler(req) {
      return toUser(await changeStatus(req, req.params.id, 'deactivated'));
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/users/:id/reactivate', permission: authPermissions.manageUsers, params: Id, summary: 'Reactivate an account',
    responses: { 200: User },
    async handler(req) {
      return toUser(await changeStatus(req, req.params.id, 'active'));
    },
  }),
];
