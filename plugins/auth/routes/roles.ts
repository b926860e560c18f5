// Roles and role assignments over the core's permission engine: the registered permissions, custom
// roles, and who holds which role where (system, category or course).
import { CoreServices, defineRoute, reply, Type, type RouteRequest } from 'lectern';
import { authPermissions } from '../permissions';
import { assignRole, createRole, deleteRole, unassignRole, updateRole } from '../role-actions';

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
      return reply.created(await createRole(req, req.body));
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
      return updateRole(req, req.params.key, req.body);
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/roles/:key', permission: authPermissions.manageRoles, params: RoleKey, summary: 'Delete a custom role (built-in roles stay)',
    async handler(req) {
      await deleteRole(req, req.params.key);
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
      return reply.created(await assignRole(req, req.body));
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/role-assignments/:id', permission: authPermissions.manageRoles,
    params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) }), summary: 'Remove a role assignment',
    async handler(req) {
      await unassignRole(req, req.params.id);
      return reply.noContent();
    },
  }),
];
