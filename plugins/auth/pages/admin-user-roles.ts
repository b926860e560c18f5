// Role assignments from an account's admin page: give the account a role at the system, a category
// or a course, and take one away (never the last active administrator's).
import { badRequest, defineRoute, reply, Type, submitForm, given, requireFields } from 'lectern';
import { authPermissions } from '../permissions';
import { assignRole, unassignRole } from '../role-actions';
import { PickerType, USER_VIEW, UserId, userPage } from './admin-user';

export const userRoleRoutes = [
  defineRoute({
    method: 'POST', path: '/admin/users/:id/roles', permission: authPermissions.manageRoles, html: true, params: UserId,
    body: Type.Object({
      role: Type.String({ maxLength: 64 }), contextType: PickerType,
      contextId: Type.Optional(Type.String({ maxLength: 64 })), q: Type.Optional(Type.String({ maxLength: 200 })),
    }),
    summary: 'Give an account a role at a context (form)',
    async handler(req) {
      const { id } = req.params;
      const { role, contextType } = req.body;
      const contextId = given(req.body.contextId, 'trim');
      const page = {
        view: USER_VIEW, form: 'role', values: { role, contextType, contextId }, fieldNames: { context: 'contextId' },
        load: () => userPage(req, id, {}, { contextType, q: req.body.q, chosen: contextId }),
      };
      return submitForm(req, page, async () => {
        requireFields(req.body, ['role']);
        if (contextType !== 'system' && !contextId) throw badRequest(`Choose the ${contextType} where the role applies.`, [{ path: 'body.contextId', message: `is required: choose a ${contextType}` }]);
        await assignRole(req, { userId: id, role, context: { type: contextType, id: contextId } }, 'body.contextId');
        return reply.redirect(`/admin/users/${id}?done=role-added`);
      });
    },
  }),

  defineRoute({
    method: 'POST', path: '/admin/users/:id/roles/:assignmentId/remove', permission: authPermissions.manageRoles, html: true,
    params: Type.Object({ id: UserId.properties.id, assignmentId: Type.String({ pattern: '^[0-9]{1,18}$' }) }),
    summary: 'Remove one of an account\'s role assignments (form)',
    async handler(req) {
      const { id, assignmentId } = req.params;
      return submitForm(req, { view: USER_VIEW, form: 'roles', values: {}, load: () => userPage(req, id) }, async () => {
        await unassignRole(req, assignmentId, id);
        return reply.redirect(`/admin/users/${id}?done=role-removed`);
      });
    },
  }),
];
