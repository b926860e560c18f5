// The plugins page (/admin/plugins, system:plugins): each plugin with its version, description and
// state, and a button to enable or disable it — the core's own mechanism, as PATCH /api/v1/plugins/:name,
// honored by every instance. A change that would break a dependency shows the core's 409 naming the
// plugins in the way, and changes nothing.
import { CoreServices, corePermissions, defineAdminPage, defineRoute, Done, doneNotice, reply, submitForm, Type, type FormState, type RouteRequest } from 'lectern';

const PATH = '/admin/plugins';
const VIEW = 'maintenance/admin/plugins';
const NOTICES = { enabled: 'The plugin is enabled on every instance.', disabled: 'The plugin is disabled on every instance: its pages and API answer 404 and its jobs wait; its data stays.' };

function pluginsPage(req: RouteRequest, forms: Record<string, FormState> = {}): Record<string, unknown> {
  const plugins = req.resolve(CoreServices.system).plugins();
  return { title: 'Plugins', plugins, forms: { toggle: forms.toggle ?? {} } };
}

export const pluginsAdminPage = defineAdminPage({
  path: PATH, title: 'Plugins', permission: corePermissions.managePlugins, view: VIEW,
  query: Type.Object({ done: Done }),
  load: async (req) => ({ ...pluginsPage(req), notice: doneNotice(NOTICES, req.query.done) }),
});

const toggle = (enabled: boolean) => defineRoute({
  method: 'POST', path: `${PATH}/:name/${enabled ? 'enable' : 'disable'}`, permission: corePermissions.managePlugins, html: true,
  params: Type.Object({ name: Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 40 }) }), body: Type.Object({}),
  summary: `${enabled ? 'Enable' : 'Disable'} a plugin on every instance (form)`,
  async handler(req) {
    const page = { view: VIEW, form: 'toggle', values: { name: req.params.name }, load: async (sent: Record<string, FormState>) => pluginsPage(req, sent) };
    return submitForm(req, page, async () => {
      await req.resolve(CoreServices.system).setEnabled(req.params.name, enabled, req);
      return reply.redirect(`${PATH}?done=${enabled ? 'enabled' : 'disabled'}`);
    });
  },
});

export const pluginRoutes = [toggle(true), toggle(false)];
