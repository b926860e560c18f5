// The appearance page (system:configure): /admin/appearance lists the installed themes to choose one
// and the chosen theme's settings (colours, texts). Saving goes through the core's settings store as
// PATCH /api/v1/settings/core does — an unknown theme or a bad value shown beside its field, nothing
// saved — and is audited as it is (`settings.update`, keys only). Every instance follows within seconds.
import {
  CoreServices, corePermissions, defineAdminPage, defineRoute, Done, doneNotice, reply, submitForm, Type,
  type FormState, type RouteRequest,
} from 'lectern';

const PATH = '/admin/appearance';
const VIEW = 'maintenance/admin/appearance';
const CORE = 'core';
const NOTICES = { saved: 'The appearance is saved; every page uses it from now on.', unchanged: 'Nothing was changed.' };
/** A theme setting's form field: `themeSettings.<key>`, as the settings errors name it. */
const PREFIX = 'themeSettings.';

interface CoreAppearance { theme?: string; themeSettings: Record<string, string> }

async function current(req: RouteRequest): Promise<{ theme: string; themeSettings: Record<string, string> }> {
  const views = req.resolve(CoreServices.views);
  const stored = await req.resolve(CoreServices.settings).get(CORE) as unknown as CoreAppearance;
  return { theme: views.pick(stored.theme), themeSettings: stored.themeSettings };
}

async function pageData(req: RouteRequest, sent?: FormState): Promise<Record<string, unknown>> {
  const views = req.resolve(CoreServices.views);
  const now = await current(req);
  const chosen = typeof sent?.values?.['theme'] === 'string' && views.has(sent.values['theme']) ? sent.values['theme'] : now.theme;
  const errors = sent?.fields ?? {};
  const themes = views.themes().map((t) => ({
    ...t, id: `theme-${t.name}`, checked: t.name === (sent?.values?.['theme'] ?? now.theme),
  }));
  const settings = Object.entries(views.settingsOf(chosen)).map(([key, spec]) => {
    const sentValue = sent?.values?.[`${PREFIX}${key}`];
    return {
      key, name: `${PREFIX}${key}`, id: `setting-${key}`, type: spec.type, hint: spec.description, placeholder: spec.default,
      label: key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().replace(/^./, (c) => c.toUpperCase()),
      value: typeof sentValue === 'string' ? sentValue : now.themeSettings[key] ?? spec.default,
      error: errors[`${PREFIX}${key}`],
    };
  });
  return { title: 'Appearance', themes, themeError: errors['theme'], settings, forms: { appearance: sent ?? {} } };
}

export const appearanceAdminPage = defineAdminPage({
  path: PATH, title: 'Appearance', permission: corePermissions.configure, view: VIEW, query: Type.Object({ done: Done }),
  load: async (req) => ({ ...(await pageData(req)), notice: doneNotice(NOTICES, req.query.done) }),
});

export const appearancePageRoutes = [
  defineRoute({
    method: 'POST', path: PATH, permission: corePermissions.configure, html: true,
    body: Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 2000 })),
    summary: 'Choose the theme and its settings (form)',
    async handler(req) {
      const page = { view: VIEW, form: 'appearance', values: req.body, load: async (sent: Record<string, FormState>) => pageData(req, sent.appearance) };
      return submitForm(req, page, async () => {
        const views = req.resolve(CoreServices.views);
        const store = req.resolve(CoreServices.settings);
        const theme = req.body['theme'] ?? '';
        // Only the chosen theme's settings; an empty field means "the theme's default".
        const declared = views.has(theme) ? views.settingsOf(theme) : {};
        const themeSettings = Object.fromEntries(Object.keys(declared).flatMap((key) => {
          const value = (req.body[`${PREFIX}${key}`] ?? '').trim();
          return value && value !== declared[key].default ? [[key, value]] : [];
        }));
        const before = await store.get(CORE) as unknown as CoreAppearance;
        const patch: Record<string, unknown> = {};
        if (theme !== before.theme) patch['theme'] = theme;
        if (JSON.stringify(themeSettings) !== JSON.stringify(before.themeSettings)) patch['themeSettings'] = themeSettings;
        if (!Object.keys(patch).length) return reply.redirect(`${PATH}?done=unchanged`);
        await req.transaction(async (tx) => {
          await store.update(CORE, patch, tx.db);
          await tx.audit({ action: 'settings.update', target: { type: 'plugin', id: CORE }, details: { changed: Object.keys(patch) } });
        });
        return reply.redirect(`${PATH}?done=saved`);
      });
    },
  }),
];
