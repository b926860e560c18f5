// Roles and role assignments over the core's permission engine: the registered permissions, custom
// roles, and who holds which role where (system, category or course).
import { badRequest, CoreServices, defineRoute, notFound, reply, SYSTEM, Type, type ContextRef, type RouteRequest } from 'lectern';
import { authPermissions } from '../permissions';
import { assertNotLastAdmin, findUser } from '../users';

const RoleKey = Type.Object({ key: Type.String({ pattern: '^[a-z][a-z0-9-]{1,62}$' }) });
const Permissions = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 500, uniqueItems: true });
const ContextBody = Type.Object({
  type: Type.Union([Type.Literal('system'), Type.Literal('category'), Type.Literal('course')]),
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
}, { additionalProperties: false });

const engineOf = (req: RouteRequest) => req.resolve(CoreServices.permissions);

export const roleRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/permissions', permission: authPermissions.manageRoles, summary: 'Every registered permission',
    async handler(req) {
      return { items: engineOf(req).listPermissions(), nextCursor: null };
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/roles', permission: authPermissions.manageRoles, summary: 'Roles and their permissions',
    async handler(req) {
      return { items: await engineOf(req).listRoles(), nextCursor: null };
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/roles/:key', permission: authPermissions.manageRoles, params: RoleKey, summary: 'One role',
    async handler(req) {
      return engineOf(req).getRole(req.params.key);
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/roles', permission: authPermissions.manageRoles, summary: 'Create a custom role',
    body: Type.Object({
      key: Type.String({ pattern: '^[a-z][a-z0-9-]{1,62}$' }),
      name: Type.String({ minLength: 1, maxLength: 100 }),
      description: Type.Optional(Type.String({ maxLength: 500 })),
      permissions: Permissions,
    }, { additionalProperties: false }),
    async handler(req) {
      const role = await req.transaction(async (tx) => {
        const created = await engineOf(req).createRole(req.body, tx.db);
        await tx.audit({ action: 'auth.role.create', target: { type: 'role', id: created.key }, details: { permissions: created.permissions } });
        return created;
      });
      return reply.created(role);
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/roles/:key', permission: authPermissions.manageRoles, params: RoleKey, summary: 'Rename a role or change its permissions',
    body: Type.Object({
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      description: Type.Optional(Type.String({ maxLength: 500 })),
      permissions: Type.Optional(Permissions),
    }, { additionalProperties: false, minProperties: 1 }),
    async handler(req) {
      if (req.params.key === 'admin' && req.body.permissions) {
        throw badRequest('The admin role always holds every permission.', [{ path: 'body.permissions', message: 'cannot be changed for admin' }]);
      }
      return req.transaction(async (tx) => {
        const before = await engineOf(req).getRole(req.params.key, tx.db);
        const after = await engineOf(req).updateRole(req.params.key, req.body, tx.db);
        const added = after.permissions.filter((p) => !before.permissions.includes(p));
        const removed = before.permissions.filter((p) => !after.permissions.includes(p));
        await tx.audit({ action: 'auth.role.update', target: { type: 'role', id: after.key }, details: { name: req.body.name, added, removed } });
        return after;
      });
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/roles/:key', permission: authPermissions.manageRoles, params: RoleKey, summary: 'Delete a custom role (built-in roles stay)',
    async handler(req) {
      await req.transaction(async (tx) => {
        await engineOf(req).deleteRole(req.params.key, tx.db);
        await tx.audit({ action: 'auth.role.delete', target: { type: 'role', id: req.params.key } });
      });
      return reply.noContent();
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/role-assignments', permission: authPermissions.manageRoles, summary: 'Who holds which role where',
    query: Type.Object({
      userId: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
      role: Type.Optional(Type.String({ maxLength: 64 })),
    }),
    async handler(req) {
      return { items: await engineOf(req).listAssignments(req.query), nextCursor: null };
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/role-assignments', permission: authPermissions.manageRoles, summary: 'Give a user a role at a context',
    body: Type.Object({
      userId: Type.String({ pattern: '^[0-9]{1,18}$' }),
      role: Type.String({ minLength: 1, maxLength: 64 }),
      context: ContextBody,
    }, { additionalProperties: false }),
    async handler(req) {
      const { userId, role, context } = req.body;
      if (context.type !== 'system' && !context.id) throw badRequest(`a ${context.type} context needs an id`, [{ path: 'body.context.id', message: 'is required' }]);
      const where: ContextRef = context.type === 'system' ? SYSTEM : { type: context.type, id: context.id };
      const assignment = await req.transaction(async (tx) => {
        if (!(await findUser(tx.db, userId))) throw badRequest(`user ${userId} does not exist`, [{ path: 'body.userId', message: 'is not a user' }]);
        const a = await engineOf(req).assign(userId, role, where, tx.db);
        await tx.audit({ action: 'auth.role.assign', target: { type: 'user', id: userId }, details: { role, context: where, assignmentId: a.id } });
        return a;
      });
      return reply.created(assignment);
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/role-assignments/:id', permission: authPermissions.manageRoles,
    params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) }), summary: 'Remove a role assignment',
    async handler(req) {
      await req.transaction(async (tx) => {
        const [found] = await engineOf(req).listAssignments({ id: req.params.id }, tx.db);
        if (!found) throw notFound(`role assignment ${req.params.id} does not exist`);
        if (found.role === 'admin' && found.context.type === 'system') await assertNotLastAdmin(tx.db, found.userId, 'remove the admin role');
        await engineOf(req).unassign(req.params.id, tx.db);
        await tx.audit({ action: 'auth.role.unassign', target: { type: 'user', id: found.userId }, details: { role: found.role, context: found.context, assignmentId: found.id } });
      });
      return reply.noContent();
    },
  }),
];
