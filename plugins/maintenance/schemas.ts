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
  plugins: Type.Array(Type.Object({ name: Type.String(), version: Type.String(), enabled: Type.Boolean() })),
});

export const Job = named('Job', Type.Object({
  id: Type.String(), name: Type.String(), state: JobStateSchema, progress: Type.Number({ minimum: 0, maximum: 100 }),
  result: Type.Optional(Type.Unknown()), error: Type.Optional(Type.String()), attempts: Type.Integer(),
  createdBy: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
}));
export const JobPage = pageOf(Job);
export const JobId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export const Backup = named('Backup', Type.Object({
  id: Type.String(), fileName: Type.String(), size: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  sha256: NullableString, createdAt: Type.String({ format: 'date-time' }),
  state: Type.Union([Type.Literal('completed'), Type.Literal('failed')]),
  rows: Type.Integer({ minimum: 0, description: 'Rows of every table in it (the file\'s trailer counts them per table)' }),
  tables: Type.Integer({ minimum: 0 }), files: Type.Integer({ minimum: 0 }), error: NullableString,
}));
export const BackupPage = pageOf(Backup);
export const BackupId = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });
