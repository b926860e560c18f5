// The core's own settings (GET/PATCH /api/v1/settings/core): the theme every page is drawn in, the
// language of pages for people who chose none, and the role every account holds at the system level.
import { Type, type Static } from '@sinclair/typebox';

export const CORE_SETTINGS = 'core';

export const CoreSettings = Type.Object({
  theme: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 60, default: 'default', description: 'The theme of every page (a directory of themes/); switchable at runtime' }),
  locale: Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', default: 'en', description: 'The language of pages for people who have not chosen one' }),
  defaultRole: Type.Union([Type.String({ pattern: '^[a-z][a-z0-9-]{1,62}$' }), Type.Null()], {
    default: 'learner', description: 'The role every account holds at the system level (like an "authenticated user" role); null for none',
  }),
}, { additionalProperties: false });

export type CoreSettingsValues = Static<typeof CoreSettings>;
