// The shapes the maintenance plugin's API answers with (API.md "Health, system, jobs").
import { JobStateSchema, named, pageOf, Type } from 'lectern';

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const MaintenanceState = Type.Object({ enabled: Type.Boolean(), message: NullableString, until: NullableString });

export const SystemStatus = Type.Object({
  version: Type.String(),
  db: Type.Object({ driver: Type.Union([Type.Literal('postgres'), Type.Literal('pglite')]), pendingMigrations: Type.Integer() }),
  queue: Type.Object({
    driver: Type.Union([Type.Literal('bullmq'), Type.Literal('inline')]), store: Type.String(),
    counts: Type.Object(Object.fromEntries(JobStateSchema.anyOf.map((s) => [s.const, Type.Integer()]))), warnings: Type.Array(Type.String()),
  }),
  maintenance: MaintenanceState,
  uptimeSeconds: Type.Number({ minimum: 0, description: "This process's uptime" }),
  memory: Type.Object({ rssBytes: Type.Integer(), heapUsedBytes: Type.Integer() }, { description: "This process's memory" }),
  plugins: Type.Array(Type.Object({ name: Type.String(), version: Type.String(), enabled: Type.Boolean() })),
});

export const Job = named('Job', Type.Object({
  id: Type.String(), name: Type.String(), state: JobStateSchema, progress: Type.Number({ minimum: 0, maximum: 100 }),
  result: Type.Optional(Type.Unknown()), error: Type.Optional(Type.String()), attempts: Type.Integer(),
  payload: Type.Optional(Type.Unknown({ description: 'What the job was given, without the properties its schema marks writeOnly' })),
  createdBy: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
}));
export const JobPage = pageOf(Job);
export const JobId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

// ---- maintenance mode and its planned windows ----------------------------------------------------
export const MESSAGE_MAX = 500;
const Message = Type.String({ maxLength: MESSAGE_MAX, description: 'Shown to everyone refused while the mode is on' });
const Time = Type.String({ format: 'date-time' });

export const SwitchBody = Type.Object({
  enabled: Type.Boolean(),
  message: Type.Optional(Message),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'When the mode goes off by itself; in the future' })),
}, { additionalProperties: false });

export const NewWindowBody = Type.Object({
  startsAt: Time, endsAt: Type.String({ format: 'date-time', description: 'After startsAt, in the future' }), message: Type.Optional(Message),
}, { additionalProperties: false });

export const WindowStateSchema = Type.Union([Type.Literal('planned'), Type.Literal('active'), Type.Literal('over')]);
export const MaintenanceWindow = named('MaintenanceWindow', Type.Object({
  id: Type.String(), startsAt: Time, endsAt: Time, message: NullableString, state: WindowStateSchema,
}));
export const WindowPage = pageOf(MaintenanceWindow);
export const WindowId = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });

// ---- backups ------------------------------------------------------------------------------------
export const Backup = named('Backup', Type.Object({
  id: Type.String(), fileName: Type.String(), size: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  sha256: NullableString, createdAt: Type.String({ format: 'date-time' }),
  state: Type.Union([Type.Literal('completed'), Type.Literal('failed')]),
  rows: Type.Integer({ minimum: 0, description: 'Rows of every table in it (the file\'s trailer counts them per table)' }),
  tables: Type.Integer({ minimum: 0 }), files: Type.Integer({ minimum: 0 }), error: NullableString,
}));
export const BackupPage = pageOf(Backup);
export const BackupId = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });
