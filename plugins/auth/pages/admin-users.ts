// The admin list of accounts: search, filters by status, role and cohort, cursor pages, and the form
// that creates an account (without a password, the new user is emailed an invitation).
import {
  CoreServices, defineAdminPage, defineRoute, given, pagerLinks, reply, requireFields, submitForm, Type,
  type PageData, type SignedInRequest, type Static,
} from 'lectern';
import { authPermissions } from '../permissions';
import { listUsers, toUser } from '../users';
import { createUser } from '../user-actions';
import { byId, PAGE_SIZE } from '../cursors';

const VIEW = 'auth/admin/users';

const UsersQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  status: Type.Optional(Type.Union([Type.Literal(''), Type.Literal('active'), Type.Literal('deactivated')])),
  role: Type.Optional(Type.String({ maxLength: 64 })),
  cohort: Type.Optional(Type.String({ pattern: '^([0-9]{1,18})?$' })),
  cursor: byId.cursor,
});

async function usersPage(req: SignedInRequest, query: Static<typeof UsersQuery>): Promise<PageData> {
  const filters = { q: given(query.q, 'trim'), status: query.status || undefined, role: given(query.role, 'trim'), cohort: query.cohort || undefined };
  const [rows, roles, cohorts, canManage, canAssign] = await Promise.all([
    listUsers(req, { ...filters, cohortId: filters.cohort, limit: PAGE_SIZE, after: query.cursor?.[0] }),
    req.resolve(CoreServices.permissions).listRoles(),
    req.db('auth_cohorts').orderBy('name').limit(500).select('id', 'name'),
    req.can(authPermissions.manageUsers),
    req.can(authPermissions.manageRoles),
  ]);
  const page = byId.page(rows, PAGE_SIZE, toUser, (r) => [r.id]);
  return {
    accounts: page.items, pager: pagerLinks('/admin/users', filters, page.nextCursor, query.cursor !== undefined), filters, roles,
    cohorts: cohorts.map((c: { id: number; name: string }) => ({ id: String(c.id), name: c.name })),
    canManage, canAssign,
  };
}

export const usersListPage = defineAdminPage({
  path: '/admin/users', title: 'Users', permission: authPermissions.viewUsers, view: VIEW, query: UsersQuery,
  load: (req) => usersPage(req, req.query),
});

export const userCreateRoutes = [
  defineRoute({
    method: 'POST', path: '/admin/users', permission: authPermissions.manageUsers, html: true, summary: 'Create an account (form)',
    body: Type.Object({
      email: Type.String({ maxLength: 320 }), name: Type.String({ maxLength: 200 }),
      password: Type.String({ maxLength: 1024 }), role: Type.Optional(Type.String({ maxLength: 64 })),
    }),
    async handler(req) {
      const { name, password, role } = req.body;
      const email = req.body.email.trim();
      const page = {
        view: VIEW, form: 'create', values: { email, name, role }, conflictField: 'email',
        load: async () => ({ title: 'Users', ...(await usersPage(req, {})) }),
      };
      return submitForm(req, page, async () => {
        requireFields(req.body, ['email', 'name']);
        const chosen = given(password, 'verbatim');
        const chosenRole = given(role, 'trim');
        const row = await createUser(req, { email, name, password: chosen, roles: chosenRole ? [chosenRole] : [] });
        return reply.redirect(`/admin/users/${row.id}?done=${chosen ? 'created' : 'invited'}`);
      });
    },
  }),
];
