// Settings of the courses plugin, editable by admins at /api/v1/settings/courses.
import { Type, type Static } from 'lectern';

export const courseSettings = Type.Object({
  recertifyNoticeDays: Type.Integer({
    minimum: 0, maximum: 365, default: 30,
    description: 'How many days before a completion expires the learner is re-enrolled (the new due date is the expiry).',
  }),
  importMaxBytes: Type.Integer({ minimum: 1_024, maximum: 104_857_600, default: 5_242_880, description: 'Largest CSV accepted by the enrollment import.' }),
  importIdleSeconds: Type.Integer({ minimum: 1, maximum: 600, default: 30, description: 'Seconds an import upload may send nothing before it is refused (408).' }),
  enrollmentKeyMaxFailures: Type.Integer({ minimum: 1, maximum: 1_000, default: 5, description: 'Wrong enrollment keys one user may try on one course before being throttled there.' }),
  enrollmentKeyMaxFailuresPerIp: Type.Integer({ minimum: 1, maximum: 100_000, default: 50, description: 'Wrong enrollment keys tried from one address, on any course, before it is throttled.' }),
  enrollmentKeyThrottleMinutes: Type.Integer({ minimum: 1, maximum: 1_440, default: 15, description: 'Window for counting wrong enrollment keys, and how long a throttle lasts.' }),
}, { additionalProperties: false });

export type CourseSettings = Static<typeof courseSettings>;
