// The courses pages' forms: a mistake the person can fix (a blank or bad field, a taken code, a wrong
// key) shows the page again with the problem above the form, at the problem's status, instead of the
// generic error page. Also the `?done=` notices of the page a form redirects to.
import { badRequest, HttpError, Reply, Type, type RouteRequest } from 'lectern';

/** The state of one form when its page is shown again. */
export interface FormState { values: Record<string, unknown>; message?: string; fields: Record<string, string> }

const FIXABLE = new Set([400, 403, 404, 409]);

/** The state of the forms of a page, by form name. */
export type FormStates = Record<string, FormState>;

/**
 * Runs `action`; a fixable 4xx renders `view` with `load()`'s data and `forms[form]` set instead (the
 * other forms keep what `load` gave them). `load` gets the sent form's state too, for pages that place
 * it next to the row it edits.
 */
export async function submitForm(
  req: RouteRequest, view: string, form: string, values: Record<string, unknown>,
  load: (forms: FormStates) => Promise<Record<string, unknown>>, action: () => Promise<Reply>,
): Promise<Reply> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof HttpError) || !FIXABLE.has(err.status)) throw err;
    const fields: Record<string, string> = {};
    for (const { path, message } of err.errors ?? []) fields[path.replace(/^body\./, '')] = message;
    const sent: FormStates = { [form]: { values, message: err.detail, fields } };
    const data = await load(sent);
    const shown = await req.page(view, { ...data, forms: { ...(data.forms as FormStates | undefined), ...sent } }, err.status);
    return new Reply(shown.status, shown.body, { ...shown.headers, ...err.headers }, shown.type);
  }
}

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

/** `?done=<key>`: what the form that redirected here did. */
export const Done = Type.Optional(Type.String({ pattern: '^[a-z-]{1,40}$' }));

export function doneNotice(messages: Record<string, string>, done: string | undefined) {
  return done !== undefined && Object.hasOwn(messages, done) ? { kind: 'success', message: messages[done] } : undefined;
}
