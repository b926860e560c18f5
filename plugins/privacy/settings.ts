// Settings of the privacy plugin, editable by admins at /api/v1/settings/privacy.
import { Type, type Static } from 'lectern';

export const privacySettings = Type.Object({
  exportExpiryDays: Type.Integer({ minimum: 1, maximum: 90, default: 7, description: 'Days an export bundle can be downloaded before it is deleted.' }),
}, { additionalProperties: false });

export type PrivacySettings = Static<typeof privacySettings>;
