// Settings of the support plugin, editable by admins at /api/v1/settings/support: the tickets' fields
// (tickets/settings.ts); the help center's are merged in beside them.
import { Type, type Static } from 'lectern';
import { ticketSettingsFields } from './tickets/settings';

export const supportSettings = Type.Object({ ...ticketSettingsFields }, { additionalProperties: false });

export type SupportSettings = Static<typeof supportSettings>;
