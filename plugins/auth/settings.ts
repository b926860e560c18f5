// Settings of the auth plugin, editable by admins at /api/v1/settings/auth.
import { Type, type Static } from 'lectern';

export const authSettings = Type.Object({
  passwordMinLength: Type.Integer({ minimum: 8, maximum: 128, default: 12, description: 'Shortest password accepted.' }),
  passwordMinClasses: Type.Integer({ minimum: 1, maximum: 4, default: 1, description: 'Character classes (lower, upper, digit, other) a password needs.' }),
  sessionIdleMinutes: Type.Integer({ minimum: 5, maximum: 43_200, default: 120, description: 'A session unused this long ends.' }),
  sessionAbsoluteHours: Type.Integer({ minimum: 1, maximum: 8_760, default: 24, description: 'A session ends this long after login, used or not.' }),
  tokenDefaultDays: Type.Integer({ minimum: 1, maximum: 3_650, default: 90, description: 'Lifetime of a personal API token.' }),
  resetLinkMinutes: Type.Integer({ minimum: 5, maximum: 1_440, default: 60, description: 'How long a password reset link works.' }),
  invitationHours: Type.Integer({ minimum: 1, maximum: 720, default: 72, description: 'How long an invitation link works.' }),
  maxFailuresPerAccount: Type.Integer({ minimum: 1, maximum: 1_000, default: 5, description: 'Failed logins of one account from one address before that address is throttled for it; also reset links one email gets.' }),
  maxFailuresPerIp: Type.Integer({ minimum: 1, maximum: 100_000, default: 50, description: 'Failed logins (and reset requests) from one address before it is throttled.' }),
  maxFailuresPerAccountAnywhere: Type.Integer({ minimum: 1, maximum: 100_000, default: 50, description: 'Failed logins of one account from all addresses together before it is throttled everywhere.' }),
  throttleMinutes: Type.Integer({ minimum: 1, maximum: 1_440, default: 15, description: 'Window for counting failures, and how long a throttle lasts.' }),
  importMaxBytes: Type.Integer({ minimum: 1_024, maximum: 104_857_600, default: 10_485_760, description: 'Largest CSV accepted by the user import.' }),
  importIdleSeconds: Type.Integer({ minimum: 1, maximum: 600, default: 30, description: 'Seconds an import upload may send nothing before it is refused (408).' }),
}, { additionalProperties: false });

export type AuthSettings = Static<typeof authSettings>;
