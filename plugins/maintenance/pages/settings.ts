// The settings pages (system:configure): /admin/settings lists the plugins that have settings, and
// /admin/settings/:plugin is a form generated from that plugin's settings schema. Saving validates
// through the core's settings store exactly as PATCH /api/v1/settings/:plugin does — every bad field
// shown beside itself and nothing saved — and is audited as it is (`settings.update`, keys only).
import {
  badRequest, CoreServices, corePermissions, defineAdminPage, defineRoute, Done, doneNotice, HttpError, notFound, reply, submitForm, Type,
  type FormState, type RouteRequest, type TSchema,
} from 'lectern';
import { formValues, settingsFields } from '../settings-form';

const PATH = '/admin/settings';
const VIEW = 'maintenance/admin/settings-form';
const NOTICES = { saved: 'The settings are saved; every instance uses them within seconds.', unchanged: 'Nothing was changed.' };
const params = Type.Object({ plugin: Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 40 }) });

/** The plugins with settings, by name. */
function configurable(req: RouteRequest): { name: string; description: string; schema: TSchema }[] {
  const store = req.resolve(CoreServices.settings);
  return req.resolve(CoreServices.system).plugins().flatMap((p) => {
    const schema = store.schemaOf(p.name);
    return schema ? [{ name: p.name, description: p.description, schema }] : [];
  }).sort((a, b) => a.name.localeCompare(b.name));
}

function schemaOf(req: RouteRequest, plugin: string): TSchema {
  const schema = req.resolve(CoreServices.settings).schemaOf(plugin);
  if (!schema) throw notFound(`plugin "${plugin}" has no settings`);
  return schema;
}

async function formPage(req: RouteRequest, plugin: string, sent?: FormState): Promise<Record<string, unknown>> {
  const schema = schemaOf(req, plugin);
  const current = await req.resolve(CoreServices.settings).get(plugin);
  return {
    title: `Settings: ${plugin}`, plugin,
    fields: settingsFields(schema, current, sent?.values, sent?.fields),
    forms: { settings: sent ?? {} },
  };
}

/** `body.list.3` → `body.list` with "item 4" in its message: a list is one field of the form. */
function byField(err: unknown): unknown {
  if (!(err instanceof HttpError) || err.status !== 400 || !err.errors) return err;
  return badRequest('Correct the marked settings: nothing was saved.', err.errors.map(({ path, message }) => {
    const [where, key, item, ...rest] = path.split('.');
    return item === undefined ? { path, message } : { path: `${where}.${key}`, message: `(item ${Number(item) + 1}${rest.length ? `, ${rest.join('.')}` : ''}) ${message}` };
  }));
}

export const settingsAdminPage = defineAdminPage({
  path: PATH, title: 'Settings', permission: corePermissions.configure, view: 'maintenance/admin/settings',
  load: async (req) => ({ title: 'Settings', plugins: configurable(req).map(({ name, description }) => ({ name, description })) }),
});

export const settingsPageRoutes = [
  defineRoute({
    method: 'GET', path: `${PATH}/:plugin`, permission: corePermissions.configure, html: true, params, query: Type.Object({ done: Done }),
    summary: "A plugin's settings (page)",
    handler: async (req) => req.page(VIEW, { ...(await formPage(req, req.params.plugin)), notice: doneNotice(NOTICES, req.query.done) }),
  }),
  defineRoute({
    method: 'POST', path: `${PATH}/:plugin`, permission: corePermissions.configure, html: true, params,
    body: Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 100_000 })),
    summary: "Change a plugin's settings (form)",
    async handler(req) {
      const { plugin } = req.params;
      const page = { view: VIEW, form: 'settings', values: req.body, load: async (sent: Record<string, FormState>) => formPage(req, plugin, sent.settings) };
      return submitForm(req, page, async () => {
        const store = req.resolve(CoreServices.settings);
        const [values, current] = [formValues(schemaOf(req, plugin), req.body), await store.get(plugin)];
        const patch = Object.fromEntries(Object.entries(values).filter(([key, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify(current[key])));
        if (!Object.keys(patch).length) return reply.redirect(`${PATH}/${plugin}?done=unchanged`);
        await req.transaction(async (tx) => {
          await store.update(plugin, patch, tx.db).catch((err: unknown) => { throw byField(err); });
          // Keys only, as the API records them: settings may hold credentials.
          await tx.audit({ action: 'settings.update', target: { type: 'plugin', id: plugin }, details: { changed: Object.keys(patch) } });
        });
        return reply.redirect(`${PATH}/${plugin}?done=saved`);
      });
    },
  }),
];
