// The tickets' settings, spread into the support plugin's settings schema (plugins/support/settings.ts):
// the categories a ticket may name and the SLA target (hours a requester may wait on support).
import { Type } from 'lectern';

export const DEFAULT_CATEGORIES = ['Access and accounts', 'Courses and enrollment', 'Content', 'Reports', 'Other'];

export const ticketSettingsFields = {
  ticketCategories: Type.Array(Type.String({ minLength: 1, maxLength: 80 }), {
    default: DEFAULT_CATEGORIES, maxItems: 50, uniqueItems: true, description: 'The categories a support ticket may be filed under.',
  }),
  slaHours: Type.Integer({ minimum: 1, maximum: 8_760, default: 24, description: 'Hours a requester may wait on support before the ticket is over its SLA target.' }),
};
