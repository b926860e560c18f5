// One role, for administrators: its name, description and permission set (checkboxes grouped by the
// plugin that registers each permission), and deletion of a custom role. Built-in roles stay, and the
// admin role always holds every permission.
import { CoreServices, defineRoute, reply, Type, type PluginContext, Done, doneNotice, submitForm, type PageData, requireFields } from 'lectern';
import { authPermissions } from '../permissions';
import { deleteRole, updateRole } from '../role-actions';

const VIEW = 'auth/admin/role';
const ADMIN = 'admin';
const RoleKey = Type.Object({ key: Type.String({ pattern: '^[a-z][a-z0-9-]{1,62}$' }) });

async function rolePage(ctx: PluginContext, key: string, extra: PageData = {}): Promise<PageData> {
  const engine = ctx.resolve(CoreServices.permissions);
  const role = await engine.getRole(key);
  const granted = new Set(role.permissions);
  const byPlugin = new Map<string, { name: string; description: string; context: string; risks: string[]; granted: boolean }[]>();
  for (const p of engine.listPermissions()) {
    const list = byPlugin.get(p.plugin) ?? [];
    list.push({ name: p.name, description: p.description, context: p.context, risks: p.risks, granted: granted.has(p.name) || key === ADMIN });
    byPlugin.set(p.plugin, list);
  }
  return {
    title: `Role: ${role.name}`, role, isAdmin: key === ADMIN,
    groups: [...byPlugin].sort(([a], [b]) => a.localeCompare(b)).map(([plugin, permissions]) => ({ plugin, permissions })),
    forms: { role: { values: { name: role.name, description: role.description } } },
    ...extra,
  };
}

export const roleRoutes = [
  defineRoute({
    method: 'GET', path: '/admin/roles/:key', permission: authPermissions.manageRoles, html: true, params: RoleKey,
    query: Type.Object({ done: Done }), summary: 'One role and its permissions (admin page)',
    async handler(req) {
      const notice = doneNotice({ created: 'The role is created. Choose its permissions.', saved: 'The role is saved.' }, req.query.done);
      return req.page(VIEW, await rolePage(req, req.params.key, { notice }));
    },
  }),

  defineRoute({
    method: 'POST', path: '/admin/roles/:key', permission: authPermissions.manageRoles, html: true, params: RoleKey,
    body: Type.Object({
      name: Type.String({ maxLength: 100 }), description: Type.String({ maxLength: 500 }),
      /** One `grant[<permission>]=on` per ticked box (a keyed field: repeated names become an object past 20). */
      grant: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Literal('on'), { maxProperties: 500 })),
    }),
    summary: 'Rename a role or change its permissions (form)',
    async handler(req) {
      const { key } = req.params;
      const name = req.body.name.trim();
      const description = req.body.description.trim();
      const page = { view: VIEW, form: 'role', values: { name, description }, load: () => rolePage(req, key) };
      return submitForm(req, page, async () => {
        requireFields(req.body, ['name']);
        // The admin role's permissions are not the form's to change.
        const permissions = key === ADMIN ? undefined : Object.keys(req.body.grant ?? {});
        await updateRole(req, key, { name, description, permissions });
        return reply.redirect(`/admin/roles/${key}?done=saved`);
      });
    },
  }),

  defineRoute({
    method: 'POST', path: '/admin/roles/:key/delete', permission: authPermissions.manageRoles, html: true, params: RoleKey,
    summary: 'Delete a custom role (form)',
    async handler(req) {
      const { key } = req.params;
      return submitForm(req, { view: VIEW, form: 'delete', values: {}, load: () => rolePage(req, key) }, async () => {
        await deleteRole(req, key);
        return reply.redirect('/admin/roles?done=deleted');
      });
    },
  }),
];
