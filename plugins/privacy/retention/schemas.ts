// The shapes of the retention API: each kind with the days it is kept, and the last run.
import { Type } from 'lectern';
import { RetentionDays } from './settings';

export const RetentionState = Type.Object({
  kinds: Type.Array(Type.Object({
    kind: Type.String(), plugin: Type.String(), label: Type.String(),
    days: Type.Integer({ minimum: 0, description: 'Days kept; 0 keeps it for ever' }), defaultDays: Type.Integer({ minimum: 0 }),
  })),
  lastRun: Type.Union([Type.Object({ at: Type.String({ format: 'date-time' }), counts: Type.Record(Type.String(), Type.Integer()) }), Type.Null()]),
});

export const RetentionUpdate = Type.Object({ days: RetentionDays }, { additionalProperties: false });
