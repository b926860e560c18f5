// Field checks of the courses pages' forms (the forms themselves come back through the core's `submitForm`).
import { badRequest } from 'lectern';

/** A required field's value, trimmed; blank is a 400 naming the field (as the API's schemas answer). */
export function filled(value: string, field: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw badRequest(`Fill in the ${field}.`, [{ path: `body.${field}`, message: 'is required' }]);
  return trimmed;
}

/** An optional date field (YYYY-MM-DD, as a date input sends it) as midnight UTC of that day; blank is undefined. */
export function dateField(value: string, field: string): Date | undefined {
  const text = value.trim();
  if (!text) return undefined;
  const date = new Date(`${text}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(date.getTime())) {
    throw badRequest('Give the date as YYYY-MM-DD, e.g. 2030-01-31.', [{ path: `body.${field}`, message: 'must be a date, e.g. 2030-01-31' }]);
  }
  return date;
}

/** A blank optional field means "not given". */
export const given = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);
