// Field checks of the auth pages' forms (the forms themselves come back through the core's `submitForm`).
import { badRequest } from 'lectern';

/** Throws a 400 naming every field left blank (a browser sends "" for an empty field). */
export function requireFields(values: Record<string, unknown>, names: string[]): void {
  const empty = names.filter((name) => {
    const value = values[name];
    return typeof value !== 'string' || !value.trim();
  });
  if (empty.length) {
    throw badRequest(`Fill in ${empty.length > 1 ? 'the marked fields' : 'the marked field'}.`,
      empty.map((name) => ({ path: `body.${name}`, message: 'is required' })));
  }
}

/** A blank optional field means "not given". */
export const given = (value: string | undefined): string | undefined => (value?.trim() ? value : undefined);
