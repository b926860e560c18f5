// The core's own settings (GET/PATCH /api/v1/settings/core): the theme every page is drawn in and its
// settings, the language of pages for people who chose none, and the role every account holds at the
// system level.
import { Type, type Static } from '@sinclair/typebox';
import type { FieldError } from './http/errors';
import type { ThemeSettingSpec } from './views/engine';

export const CORE_SETTINGS = 'core';

export const CoreSettings = Type.Object({
  theme: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 60, description: 'The theme of every page (a directory of themes/); switchable at runtime. Unset: the configured LECTERN_THEME' })),
  themeSettings: Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]*$' }), Type.String({ maxLength: 2000 }), {
    default: {}, description: "Values of the theme's settings (declared in its package.json); unset ones take the theme's defaults",
  }),
  locale: Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', default: 'en', description: 'The language of pages for people who have not chosen one' }),
  defaultRole: Type.Union([Type.String({ pattern: '^[a-z][a-z0-9-]{1,62}$' }), Type.Null()], {
    default: 'learner', description: 'The role every account holds at the system level (like an "authenticated user" role); null for none',
  }),
}, { additionalProperties: false });

export type CoreSettingsValues = Static<typeof CoreSettings>;

const COLOR = /^#[0-9a-fA-F]{6}$/;
const TEXT_MAX = 80;

/** The views the settings check needs: which themes exist and what settings each declares. */
export interface ThemeCatalog { has(theme: string): boolean; settingsOf(theme: string): Record<string, ThemeSettingSpec>; pick(theme: unknown): string }

/** The rules the schema cannot say: `theme` is installed, `themeSettings` fit what the theme declares. */
export function checkCoreSettings(themes: ThemeCatalog): (next: Record<string, unknown>, patch: Record<string, unknown>) => FieldError[] {
  return (next, patch) => {
    const { theme, themeSettings } = next as CoreSettingsValues;
    if (theme !== undefined && !themes.has(theme)) return [{ path: 'body.theme', message: `is not an installed theme: "${theme}"` }];
    const changed = new Set(Object.keys((patch as Partial<CoreSettingsValues>).themeSettings ?? {}));
    return checkThemeSettings(themeSettings, themes.settingsOf(themes.pick(theme)), changed);
  };
}

/** Checks the values of a theme's settings against those it declares; unknown keys only when `changed`. */
export function checkThemeSettings(values: Record<string, string>, specs: Record<string, ThemeSettingSpec>, changed: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(values)) {
    const spec = specs[key];
    const at = `body.themeSettings.${key}`;
    if (!spec) { if (changed.has(key)) errors.push({ path: at, message: 'is not a setting of this theme' }); }
    else if (spec.type === 'color' && !COLOR.test(value)) errors.push({ path: at, message: 'must be a colour like #1d4ed8' });
    else if (spec.type === 'text' && value.length > TEXT_MAX) errors.push({ path: at, message: `must be at most ${TEXT_MAX} characters` });
    else if (spec.type === 'image' && !/^(\/|https:\/\/)[^\s"'()<>\\]*$/.test(value)) errors.push({ path: at, message: 'must be a path or an https URL' });
  }
  return errors;
}

/** The values of every declared setting: the stored ones, else the theme's defaults. */
export function themeSettingValues(values: Record<string, string>, specs: Record<string, ThemeSettingSpec>): Record<string, string> {
  return Object.fromEntries(Object.entries(specs).map(([key, spec]) => [key, values[key] ?? spec.default]));
}
