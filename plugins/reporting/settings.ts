// Settings of the reporting plugin, editable by admins at /api/v1/settings/reporting.
import { Type, type Static } from 'lectern';

export const reportSettings = Type.Object({
  dueSoonDays: Type.Integer({ minimum: 1, maximum: 365, default: 14, description: 'The compliance report\'s default "due within" window, in days.' }),
  expiringSoonDays: Type.Integer({ minimum: 1, maximum: 365, default: 30, description: 'The compliance report\'s default "expiring within" window, in days.' }),
  maxActivityDays: Type.Integer({ minimum: 1, maximum: 3_660, default: 366, description: 'The longest date range the activity report covers.' }),
  maxRecipients: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Recipients a scheduled report may have.' }),
}, { additionalProperties: false });

export type ReportSettings = Static<typeof reportSettings>;
