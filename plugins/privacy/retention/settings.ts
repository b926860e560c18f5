// The retention setting: days each kind of personal data is kept (kind → days, 0 = for ever). Kinds left
// out keep their provider's defaultDays; PUT /api/v1/privacy/retention refuses kinds no plugin declares.
import { Type } from 'lectern';

export const MAX_RETENTION_DAYS = 36_500;
export const KIND_PATTERN = '^[a-z][a-z0-9-]*\\.[a-zA-Z0-9.-]+$';

export const RetentionDays = Type.Record(
  Type.String({ pattern: KIND_PATTERN, maxLength: 80 }),
  Type.Integer({ minimum: 0, maximum: MAX_RETENTION_DAYS }),
);

export const retentionSettings = {
  retention: Type.Record(Type.String({ pattern: KIND_PATTERN, maxLength: 80 }), Type.Integer({ minimum: 0, maximum: MAX_RETENTION_DAYS }), {
    default: {}, description: 'Days each kind of personal data is kept (e.g. {"auth.sessions": 30}); 0 keeps it for ever; a kind left out keeps its default.',
  }),
};
