// The courses pages' forms: a mistake the person can fix (a blank or bad field, a taken code, a wrong
// key) shows the page again with the problem above the form, at the problem's status, instead of the
// generic error page. Also the `?done=` notices of the page a form redirects to.
import { HttpError, Reply, Type, type RouteRequest } from 'lectern';

/** The state of one form when its page is shown again. */
export interface FormState { values: Record<string, unknown>; message?: string; fields: Record<string, string> }

const FIXABLE = new Set([400, 403, 404, 409]);

/** The state of the forms of a page, by form name (only the one sent is ever there). */
export type FormStates = Record<string, FormState>;

/**
 * Runs `action`; a fixable 4xx renders `view` with `load()`'s data and `forms[form]` set instead.
 * `load` gets the forms' state too, for pages that place a form's state next to the row it edits.
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
    const forms: FormStates = { [form]: { values, message: err.detail, fields } };
    const shown = await req.page(view, { ...(await load(forms)), forms }, err.status);
    return new Reply(shown.status, shown.body, { ...shown.headers, ...err.headers }, shown.type);
  }
}

/** A blank optional field means "not given". */
export const given = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

/** `?done=<key>`: what the form that redirected here did. */
export const Done = Type.Optional(Type.String({ pattern: '^[a-z-]{1,40}$' }));

export function doneNotice(messages: Record<string, string>, done: string | undefined) {
  return done !== undefined && Object.hasOwn(messages, done) ? { kind: 'success', message: messages[done] } : undefined;
}
