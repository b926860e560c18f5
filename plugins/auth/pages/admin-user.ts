// One account, for administrators: its details and the form to edit name and email, deactivation and
// reactivation, its role assignments (changed in admin-user-roles.ts), its cohorts, and under "Related"
// the pages other plugins offer about the person (userLinks) that the viewer may open.
import {
  CoreServices, defineRoute, Done, doneNotice, reply, requireFields, submitForm, SYSTEM, Type, type PageData, type SignedInRequest,
} from 'lectern';
import { contextChoices, userLinks } from '../api';
import { authPermissions } from '../permissions';
import { getUser, toUser, type UserStatus } from '../users';
import { changeStatus, updateUser } from '../user-actions';

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

/** The pages other plugins link from this account that the viewer may open, checked at the system context. */
async function relatedLinks(req: SignedInRequest, id: string): Promise<{ label: string; href: string }[]> {
  const links = req.extensions(userLinks);
  const allowed = await Promise.all(links.map((link) => req.can(link.permission, SYSTEM)));
  return links.filter((_, i) => allowed[i]).map((link) => ({ label: link.label, href: link.href(id) }));
}

export const PickerType = Type.Union([Type.Literal('system'), Type.Literal('category'), Type.Literal('course')]);
/** The "Assign a role" picker's search (a GET form): where (a context type) and a name to look for. */
export const PickerQuery = { contextType: Type.Optional(PickerType), q: Type.Optional(Type.String({ maxLength: 200 })) };
export interface Picker { contextType?: 'system' | 'category' | 'course'; q?: string; chosen?: string }

/** How many matches the picker lists. */
const PICKER_LIMIT = 50;

/** The picker: the context types on offer (the whole system, then what plugins contribute) and the matches of the search. */
async function contextPicker(req: SignedInRequest, picker: Picker) {
  const choices = req.extensions(contextChoices);
  const choice = choices.find((c) => c.type === picker.contextType);
  const contextType = choice ? choice.type : 'system';
  const q = picker.q?.trim() ?? '';
  const matches = choice ? await choice.search(q, PICKER_LIMIT, req) : [];
  return {
    contextType, q, choice: choice?.label ?? null,
    typeGroups: [{ options: [{ value: 'system', label: 'Whole system' }, ...choices.map((c) => ({ value: c.type, label: c.label }))] }],
    matches: matches.map((m) => ({ ...m, checked: m.id === picker.chosen })),
  };
}

/** Everything the account's admin page shows; `extra` adds to it (e.g. a notice). */
export async function userPage(req: SignedInRequest, id: string, extra: PageData = {}, picker: Picker = {}): Promise<PageData> {
  const row = await getUser(req.db, id);
  const engine = req.resolve(CoreServices.permissions);
  const [assignments, cohorts, canManage, canAssign, related, defaultRole] = await Promise.all([
    engine.listAssignments({ userId: id }),
    req.db('auth_cohorts as c').join('auth_cohort_members as m', 'm.cohort_id', 'c.id').where('m.user_id', id)
      .orderBy('c.name').limit(200).select('c.id', 'c.name'),
    req.can(authPermissions.manageUsers),
    req.can(authPermissions.manageRoles),
    relatedLinks(req, id),
    engine.defaultRoleKey(),
  ]);
  const roles = canAssign || defaultRole ? await engine.listRoles() : [];
  return {
    title: row.name, subject: toUser(row), assignments, cohorts, canManage, canAssign, related,
    roles: canAssign ? roles : [],
    defaultRole: defaultRole ? roles.find((r) => r.key === defaultRole) ?? { key: defaultRole, name: defaultRole } : null,
    picker: canAssign ? await contextPicker(req, picker) : null,
    forms: { edit: { values: { name: row.name, email: row.email } }, role: { values: { contextType: 'system' } } },
    ...extra,
  };
}

function statusRoute(action: 'deactivate' | 'reactivate', status: UserStatus) {
  return defineRoute({
    method: 'POST', path: `/admin/users/:id/${action}`, permission: authPermissions.manageUsers, html: true, params: UserId,
    summary: `${action[0].toUpperCase()}${action.slice(1)} an account (form)`,
    async handler(req) {
      const { id } = req.params;
      return submitForm(req, { view: USER_VIEW, form: 'status', values: {}, load: () => userPage(req, id) }, async () => {
        await changeStatus(req, id, status);
        return reply.redirect(`/admin/users/${id}?done=${status}`);
      });
    },
  });
}

export const userRoutes = [
  defineRoute({
    method: 'GET', path: '/admin/users/:id', permission: authPermissions.viewUsers, html: true, params: UserId,
    query: Type.Object({ done: Done, ...PickerQuery }), summary: 'One account (admin page); contextType and q search where to assign a role',
    async handler(req) {
      const { done, ...picker } = req.query;
      return req.page(USER_VIEW, await userPage(req, req.params.id, { notice: doneNotice(NOTICES, done) }, picker));
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
      const page = { view: USER_VIEW, form: 'edit', values: { name, email }, load: () => userPage(req, id) };
      return submitForm(req, page, async () => {
        requireFields(req.body, ['name', 'email']);
        const before = await getUser(req.db, id);
        if (name === before.name && email === before.email) return reply.redirect(`/admin/users/${id}?done=unchanged`);
        await updateUser(req, id, { name, email });
        return reply.redirect(`/admin/users/${id}?done=updated`);
      });
    },
  }),

  statusRoute('deactivate', 'deactivated'),
  statusRoute('reactivate', 'active'),
];
