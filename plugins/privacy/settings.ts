// Settings of the privacy plugin, editable by admins at /api/v1/settings/privacy (and its pages).
import { Type, type Static } from 'lectern';
import { retentionSettings } from './retention/settings';

export const privacySettings = Type.Object({
  ...retentionSettings,
}, { additionalProperties: false });

export type PrivacySettings = Static<typeof privacySettings>;
