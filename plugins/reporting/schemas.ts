// The reporting plugin's input and answer schemas; routes declare them, so they are the OpenAPI document's
// shapes and, in tests, checked against every answer. The pages' forms take their limits from them too.
import { named, Type, type Static } from 'lectern';

export const IdString = Type.String({ pattern: '^[0-9]{1,18}$' });
const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);

export const Format = Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json', description: '`csv` streams every row as CSV' }));
export const LearnerStatusSchema = Type.Union(['not_started', 'in_progress', 'completed', 'overdue'].map((s) => Type.Literal(s)));

export const CompletionReport = named('CourseCompletionReport', Type.Object({
  summary: Type.Object({
    enrolled: Type.Integer({ minimum: 0 }), completed: Type.Integer({ minimum: 0 }), inProgress: Type.Integer({ minimum: 0 }),
    notStarted: Type.Integer({ minimum: 0 }), overdue: Type.Integer({ minimum: 0 }),
    completionRate: Type.Number({ minimum: 0, maximum: 100, description: 'Completed learners, as a percentage of the enrolled' }),
  }),
  items: Type.Array(Type.Object({
    userId: IdString, name: Type.Union([Type.String(), Type.Null()]), email: Type.Union([Type.String(), Type.Null()]),
    enrolledAt: Time, progressPct: Type.Integer({ minimum: 0, maximum: 100 }), completedAt: NullableTime, dueAt: NullableTime,
    status: LearnerStatusSchema,
  })),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
}));

export const ComplianceStateSchema = Type.Union(['expired', 'overdue', 'due_soon', 'expiring_soon'].map((s) => Type.Literal(s)));
export const ComplianceReport = named('ComplianceReport', Type.Object({
  summary: Type.Object({
    expired: Type.Integer({ minimum: 0 }), overdue: Type.Integer({ minimum: 0 }), dueSoon: Type.Integer({ minimum: 0 }), expiringSoon: Type.Integer({ minimum: 0 }),
  }),
  items: Type.Array(Type.Object({
    userId: IdString, name: Type.Union([Type.String(), Type.Null()]), email: Type.Union([Type.String(), Type.Null()]),
    courseId: IdString, courseTitle: Type.String(), courseCode: Type.String(), state: ComplianceStateSchema,
    dueAt: NullableTime, expiresAt: NullableTime, completedAt: NullableTime,
  })),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
}));

export const ActivityReport = named('ActivityReport', Type.Object({
  interval: Type.Union([Type.Literal('day'), Type.Literal('week')]),
  series: Type.Array(Type.Object({
    period: Type.String({ description: 'The first day of the period (UTC)' }), logins: Type.Integer({ minimum: 0 }),
    enrollments: Type.Integer({ minimum: 0 }), completions: Type.Integer({ minimum: 0 }), views: Type.Integer({ minimum: 0 }),
  })),
}));

export const Transcript = named('Transcript', Type.Object({
  user: Type.Object({ id: IdString, name: Type.String(), email: Type.String() }),
  courses: Type.Array(Type.Object({
    courseId: IdString, title: Type.String(), code: Type.String(), role: Type.Union([Type.Literal('learner'), Type.Literal('instructor')]),
    status: Type.Union([Type.Literal('active'), Type.Literal('unenrolled')]), cycle: Type.Integer({ minimum: 1 }),
    enrolledAt: Time, dueAt: NullableTime, completedAt: NullableTime, expiresAt: NullableTime,
    completions: Type.Array(Type.Object({ cycle: Type.Integer({ minimum: 1 }), completedAt: Time, expiresAt: NullableTime, expiredAt: NullableTime })),
  })),
}));

export const ReportNameSchema = Type.Union([Type.Literal('course-completion'), Type.Literal('compliance'), Type.Literal('activity')]);
export const ActivityDaysSchema = Type.Integer({ minimum: 1, maximum: 366, description: 'activity: the days before each run' });
export const ScheduleParamsSchema = Type.Object({
  courseId: Type.Optional(IdString), categoryId: Type.Optional(IdString), cohortId: Type.Optional(IdString), status: Type.Optional(LearnerStatusSchema),
  state: Type.Optional(ComplianceStateSchema), days: Type.Optional(ActivityDaysSchema),
}, { additionalProperties: false });
export const CronSchema = Type.String({ minLength: 9, maxLength: 100 });
export const RecipientSchema = Type.String({ format: 'email', maxLength: 254 });
export const RecipientsSchema = Type.Array(RecipientSchema, { minItems: 1, maxItems: 100, uniqueItems: true });
export const NewScheduleBody = Type.Object({
  report: ReportNameSchema, params: Type.Optional(ScheduleParamsSchema), cron: CronSchema, recipients: RecipientsSchema,
}, { additionalProperties: false });
export type NewSchedule = Static<typeof NewScheduleBody>;

const ScheduleShape = {
  id: IdString, report: ReportNameSchema,
  params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Integer()])), cron: Type.String(), recipients: Type.Array(Type.String()),
  createdBy: IdString, paused: Type.Boolean(), nextRunAt: Time, createdAt: Time,
};
export const Schedule = named('ReportSchedule', Type.Object(ScheduleShape));
export const SchedulePage = Type.Object({ items: Type.Array(Schedule), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export const ScheduleDetail = named('ReportScheduleDetail', Type.Object({
  ...ScheduleShape,
  runs: Type.Array(Type.Object({
    dueAt: Time, state: Type.Union([Type.Literal('queued'), Type.Literal('sent'), Type.Literal('failed')]),
    rows: Type.Union([Type.Integer(), Type.Null()]), error: Type.Union([Type.String(), Type.Null()]), finishedAt: NullableTime,
  })),
}));
