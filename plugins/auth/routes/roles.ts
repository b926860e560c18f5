// Roles and role assignments over the core's permission engine: the registered permissions, custom
// roles, and who holds which role where (system, category or course).
import { CoreServices, defineRoute, reply, Type, type RouteRequest } from 'lectern';
import { authPermissions } from '../permissions';
import { assignRole, createRole, deleteRole, unassignRole, updateRole } from '../role-actions';
import { ContextSchema, PermissionPage, Role, RoleAssignment, RoleAssignmentPage, RolePage } from '../schemas';
import { byId } from '../cursors';

const RoleKey = Type.Object({ key: Type.String({ pattern: '^[a-z][a-z0-9-]{1,62}$' }) });
const Permissions = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 500, uniqueItems: true });

const engineOf = (req: RouteRequest) => req.resolve(CoreServices.permissions);

export const roleRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/permissions', permission: authPermissions.manageRoles, summary: 'Every registered permission',
    responses: { 200: PermissionPage },
    async handler(req) {
      return { items: engineOf(req).listPermissions(), nextCursor: null };
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/roles', permission: authPermissions.manageRoles, summary: 'Roles and their permissions',
    responses: { 200: RolePage },
    async handler(req) {
      return { items: await engineOf(req).listRoles(), nextCursor: null };
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/roles/:key', permission: authPermissions.manageRoles, params: RoleKey, summary: 'One role', responses: { 200: Role },
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
    responses: { 201: Role }, errors: [409],
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
    responses: { 200: Role },
    async handler(req) {
      return updateRole(req, req.params.key, req.body);
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/roles/:key', permission: authPermissions.manageRoles, params: RoleKey, summary: 'Delete a custom role (built-in roles stay)',
    responses: { 204: null }, errors: [409],
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
      ...byId.query,
    }),
    responses: { 200: RoleAssignmentPage },
    async handler(req) {
      const { userId, role, limit, cursor } = req.query;
      const rows = await engineOf(req).listAssignments({ userId, role, after: cursor?.[0], limit: limit + 1 });
      return byId.page(rows, limit, (a) => a, (a) => [Number(a.id)]);
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/role-assignments', permission: authPermissions.manageRoles, summary: 'Give a user a role at a context',
    body: Type.Object({
      userId: Type.String({ pattern: '^[0-9]{1,18}$' }),
      role: Type.String({ minLength: 1, maxLength: 64 }),
      context: ContextSchema,
    }, { additionalProperties: false }),
    responses: { 201: RoleAssignment },
    async handler(req) {
      return reply.created(await assignRole(req, req.body));
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/role-assignments/:id', permission: authPermissions.manageRoles,
    params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) }), summary: 'Remove a role assignment',
    responses: { 204: null }, errors: [409],
    async handler(req) {
      await unassignRole(req, req.params.id);
      return reply.noContent();
    },
  }),
];
