// Settings of the privacy plugin, editable by admins at /api/v1/settings/privacy (and its pages).
import { Type, type Static } from 'lectern';
import { retentionSettings } from './retention/settings';

export const privacySettings = Type.Object({
  exportExpiryDays: Type.Integer({ minimum: 1, maximum: 90, default: 7, description: 'Days an export bundle can be downloaded before it is deleted.' }),
  ...retentionSettings,
}, { additionalProperties: false });

export type PrivacySettings = Static<typeof privacySettings>;
