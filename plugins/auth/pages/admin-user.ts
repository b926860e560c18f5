// One account, for administrators: its details and the form to edit name and email, deactivation and
// reactivation, its role assignments (changed in admin-user-roles.ts) and its cohorts.
import {
  badRequest, CoreServices, defineRoute, reply, Type, type EventRef, type PluginContext, type Principal,
} from 'lectern';
import { authPermissions } from '../permissions';
import { checkEmail, findByEmail, getUser, setStatus, toUser, type UserStatus } from '../users';
import { userDeactivated, userReactivated } from '../api';
import { Done, doneNotice, requireFields, submitForm, type PageData } from './forms';

export const USER_VIEW = 'auth/admin/user';
export const UserId = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });

const NOTICES = {
  created: 'The account is created.',
  invited: 'The account is created, and an invitation to choose a password is on its way.',
  updated: 'The account is saved.',
  unchanged: 'Nothing was changed.',
  deactivated: 'The account is deactivated: its sessions and API tokens have ended.',
  active: 'The account is active again.',
  'role-added': 'The role is assigned.',
  'role-removed': 'The role assignment is removed.',
};

/** Everything the account's admin page shows; `extra` adds to it (e.g. a notice). */
export async function userPage(ctx: PluginContext, principal: Principal | null, id: string, extra: PageData = {}): Promise<PageData> {
  const row = await getUser(ctx.db, id);
  const engine = ctx.resolve(CoreServices.permissions);
  const [assignments, cohorts, canManage, canAssign] = await Promise.all([
    engine.listAssignments({ userId: id }),
    ctx.db('auth_cohorts as c').join('auth_cohort_members as m', 'm.cohort_id', 'c.id').where('m.user_id', id)
      .orderBy('c.name').limit(200).select('c.id', 'c.name'),
    ctx.can(principal, authPermissions.manageUsers),
    ctx.can(principal, authPermissions.manageRoles),
  ]);
  return {
    title: row.name, subject: toUser(row), assignments, cohorts, canManage, canAssign,
    roles: canAssign ? await engine.listRoles() : [],
    forms: { edit: { values: { name: row.name, email: row.email } }, role: { values: { contextType: 'system' } } },
    ...extra,
  };
}

function statusRoute(action: 'deactivate' | 'reactivate', status: UserStatus, event: EventRef<{ userId: string }>) {
  return defineRoute({
    method: 'POST', path: `/admin/users/:id/${action}`, permission: authPermissions.manageUsers, html: true, params: UserId,
    summary: `${action[0].toUpperCase()}${action.slice(1)} an account (form)`,
    async handler(req) {
      const { id } = req.params;
      return submitForm(req, { view: USER_VIEW, form: 'status', values: {}, load: () => userPage(req, req.principal, id) }, async () => {
        await req.transaction(async (tx) => {
          await setStatus(tx, id, status);
          tx.emit(event, { userId: id });
        });
        return reply.redirect(`/admin/users/${id}?done=${status}`);
      });
    },
  });
}

export const userRoutes = [
  defineRoute({
    method: 'GET', path: '/admin/users/:id', permission: authPermissions.viewUsers, html: true, params: UserId,
    query: Type.Object({ done: Done }), summary: 'One account (admin page)',
    async handler(req) {
      return req.page(USER_VIEW, await userPage(req, req.principal, req.params.id, { notice: doneNotice(NOTICES, req.query.done) }));
    },
  }),

  defineRoute({
    method: 'POST', path: '/admin/users/:id', permission: authPermissions.manageUsers, html: true, params: UserId,
    body: Type.Object({ name: Type.String({ maxLength: 200 }), email: Type.String({ maxLength: 320 }) }),
    summary: 'Edit an account\'s name and email (form)',
    async handler(req) {
      const { id } = req.params;
      const name = req.body.name.trim();
      const email = req.body.email.trim();
      const page = { view: USER_VIEW, form: 'edit', values: { name, email }, load: () => userPage(req, req.principal, id) };
      return submitForm(req, page, async () => {
        const before = await getUser(req.db, id);
        requireFields(req.body, ['name', 'email']);
        checkEmail(email);
        const other = await findByEmail(req.db, email);
        if (other && String(other.id) !== id) throw badRequest(`a user with email ${email} already exists`, [{ path: 'body.email', message: 'is taken' }]);
        const fields = [...(name !== before.name ? ['name'] : []), ...(email !== before.email ? ['email'] : [])];
        if (!fields.length) return reply.redirect(`/admin/users/${id}?done=unchanged`);
        await req.transaction(async (tx) => {
          await tx.db('auth_users').where({ id }).update({ name, email, updated_at: req.now() });
          await tx.audit({
            action: 'auth.user.update', target: { type: 'user', id },
            details: { fields, ...(fields.includes('email') ? { email: { from: before.email, to: email } } : {}) },
          });
        });
        return reply.redirect(`/admin/users/${id}?done=updated`);
      });
    },
  }),

  statusRoute('deactivate', 'deactivated', userDeactivated),
  statusRoute('reactivate', 'active', userReactivated),
];
