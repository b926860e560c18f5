// The admin list of roles and the form that creates a custom role; its permissions are then chosen on
// the role's own page (admin-role.ts).
import { CoreServices, defineAdminPage, defineRoute, reply, Type, type PluginContext, type Static, Done, doneNotice, submitForm, type PageData, requireFields } from 'lectern';
import { authPermissions } from '../permissions';
import { createRole } from '../role-actions';

const VIEW = 'auth/admin/roles';
const TITLE = 'Roles';
const RolesQuery = Type.Object({ done: Done });

async function rolesPage(ctx: PluginContext, query: Static<typeof RolesQuery>): Promise<PageData> {
  const engine = ctx.resolve(CoreServices.permissions);
  const [list, defaultRole] = await Promise.all([engine.listRoles(), engine.defaultRoleKey()]);
  const roles = list.map((r) => ({ ...r, isDefault: r.key === defaultRole }));
  return { roles, notice: doneNotice({ deleted: 'The role is deleted.' }, query.done) };
}

export const rolesListPage = defineAdminPage({
  path: '/admin/roles', title: TITLE, permission: authPermissions.manageRoles, view: VIEW, query: RolesQuery,
  load: (req) => rolesPage(req, req.query),
});

export const roleCreateRoutes = [
  defineRoute({
    method: 'POST', path: '/admin/roles', permission: authPermissions.manageRoles, html: true, summary: 'Create a custom role (form)',
    body: Type.Object({ key: Type.String({ maxLength: 63 }), name: Type.String({ maxLength: 100 }), description: Type.String({ maxLength: 500 }) }),
    async handler(req) {
      const key = req.body.key.trim();
      const name = req.body.name.trim();
      const description = req.body.description.trim();
      const page = {
        view: VIEW, form: 'create', values: { key, name, description }, conflictField: 'key',
        load: async () => ({ title: TITLE, ...(await rolesPage(req, {})) }),
      };
      return submitForm(req, page, async () => {
        requireFields(req.body, ['key', 'name']);
        await createRole(req, { key, name, description, permissions: [] });
        return reply.redirect(`/admin/roles/${key}?done=created`);
      });
    },
  }),
];
