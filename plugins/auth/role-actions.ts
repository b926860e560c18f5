// Changes to roles and role assignments, shared by the JSON API and the admin pages: each runs in one
// transaction with its audit record, and the last active administrator keeps the admin role.
import { badRequest, CoreServices, notFound, SYSTEM, type Assignment, type ContextRef, type ContextType, type Role, type RouteRequest } from 'lectern';
import { assertNotLastAdmin, findUser } from './users';

const ADMIN = 'admin';
const engineOf = (req: RouteRequest) => req.resolve(CoreServices.permissions);

export function createRole(req: RouteRequest, input: { key: string; name: string; description?: string; permissions: string[] }): Promise<Role> {
  return req.transaction(async (tx) => {
    const created = await engineOf(req).createRole(input, tx.db);
    await tx.audit({ action: 'auth.role.create', target: { type: 'role', id: created.key }, details: { permissions: created.permissions } });
    return created;
  });
}

export function updateRole(req: RouteRequest, key: string, input: { name?: string; description?: string; permissions?: string[] }): Promise<Role> {
  if (key === ADMIN && input.permissions) {
    throw badRequest('The admin role always holds every permission.', [{ path: 'body.permissions', message: 'cannot be changed for admin' }]);
  }
  return req.transaction(async (tx) => {
    const before = await engineOf(req).getRole(key, tx.db);
    const after = await engineOf(req).updateRole(key, input, tx.db);
    const added = after.permissions.filter((p) => !before.permissions.includes(p));
    const removed = before.permissions.filter((p) => !after.permissions.includes(p));
    await tx.audit({ action: 'auth.role.update', target: { type: 'role', id: key }, details: { name: input.name, added, removed } });
    return after;
  });
}

export function deleteRole(req: RouteRequest, key: string): Promise<void> {
  return req.transaction(async (tx) => {
    await engineOf(req).deleteRole(key, tx.db);
    await tx.audit({ action: 'auth.role.delete', target: { type: 'role', id: key } });
  });
}

/** Gives a user a role at a context; `contextField` names the input field in a 400. */
export function assignRole(req: RouteRequest, input: { userId: string; role: string; context: { type: ContextType; id?: string } }, contextField = 'body.context.id'): Promise<Assignment> {
  const { userId, role, context } = input;
  if (context.type !== 'system' && !context.id) {
    throw badRequest(`A ${context.type} role needs the ${context.type}'s id.`, [{ path: contextField, message: 'is required' }]);
  }
  const where: ContextRef = context.type === 'system' ? SYSTEM : { type: context.type, id: context.id };
  return req.transaction(async (tx) => {
    if (!(await findUser(tx.db, userId))) throw badRequest(`user ${userId} does not exist`, [{ path: 'body.userId', message: 'is not a user' }]);
    const a = await engineOf(req).assign(userId, role, where, tx.db);
    await tx.audit({ action: 'auth.role.assign', target: { type: 'user', id: userId }, details: { role, context: where, assignmentId: a.id } });
    return a;
  });
}

/** Removes an assignment (of `userId`, when given); never the last active administrator's admin role. */
export function unassignRole(req: RouteRequest, assignmentId: string, userId?: string): Promise<void> {
  return req.transaction(async (tx) => {
    const [found] = await engineOf(req).listAssignments({ id: assignmentId }, tx.db);
    if (!found || (userId !== undefined && found.userId !== userId)) throw notFound(`role assignment ${assignmentId} does not exist`);
    if (found.role === ADMIN && found.context.type === 'system') await assertNotLastAdmin(req, tx.db, found.userId, 'remove the admin role');
    await engineOf(req).unassign(assignmentId, tx.db);
    await tx.audit({ action: 'auth.role.unassign', target: { type: 'user', id: found.userId }, details: { role: found.role, context: found.context, assignmentId } });
  });
}
