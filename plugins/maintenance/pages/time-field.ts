// The date-and-time fields of the maintenance forms: a browser's datetime-local input sends
// "YYYY-MM-DDTHH:MM" without a zone, and the pages say their times are UTC.
import { badRequest } from 'lectern';

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** The field's time in UTC; blank is undefined; anything else a 400 naming the field. */
export function timeField(value: string | undefined, field: string): Date | undefined {
  const text = value?.trim() ?? '';
  if (!text) return undefined;
  const at = new Date(`${text}Z`);
  if (!LOCAL.test(text) || Number.isNaN(at.getTime())) {
    throw badRequest('Give the time as a date and a time of day (UTC), e.g. 2030-01-31T22:00.', [{ path: `body.${field}`, message: 'must be a date and time, e.g. 2030-01-31T22:00' }]);
  }
  return at;
}

/** A required time field; blank is a 400 naming the field. */
export function requiredTime(value: string, field: string): Date {
  const at = timeField(value, field);
  if (!at) throw badRequest('Fill in the marked field.', [{ path: `body.${field}`, message: 'is required' }]);
  return at;
}
