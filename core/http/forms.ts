// Forms on server-rendered pages. A mistake the person can fix (an empty or bad field, a taken name, a
// wrong password, a refused change, too many attempts) shows the same page again, with the problem above
// the form and each message next to its field, at the problem's status — never the generic error page.
// After a change that worked, the form redirects with `?done=<key>` and the page shows a notice.
import { Type } from '@sinclair/typebox';
import { badRequest, HttpError } from './errors';
import { Reply, type RouteRequest } from './route';

/** What a form shows when it comes back: the values sent, the problem and each field's message. */
export interface FormState {
  values?: Record<string, unknown>;
  message?: string;
  fields?: Record<string, string>;
}

/** A page's view data; `forms` holds the state of each form on the page, by form name. */
export interface PageData extends Record<string, unknown> {
  forms?: Record<string, FormState>;
}

export interface FormPage {
  view: string;
  /** Which form of the page was sent (a page may hold several). */
  form: string;
  /** The values sent, shown again (never passwords: the views do not print them). */
  values: Record<string, unknown>;
  /** The page's data as its GET shows it; `sent` is the sent form's state, for pages that place it next to a row. */
  load(sent: Record<string, FormState>): Promise<PageData>;
  /** An error's field (its path without `body.`) → the form's field, where the names differ. */
  fieldNames?: Record<string, string>;
  /** The field a 409 is about, e.g. a taken email. */
  conflictField?: string;
}

/** Statuses a form answers by showing itself again. */
const FIXABLE = new Set([400, 401, 403, 404, 409, 429]);

/** Runs a form's action; a fixable 4xx renders the page again with the form's problem instead. */
export async function submitForm(req: RouteRequest, page: FormPage, action: () => Promise<Reply>): Promise<Reply> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof HttpError) || !FIXABLE.has(err.status)) throw err;
    const sent = { [page.form]: stateOf(err, page) };
    const data = await page.load(sent);
    const shown = await req.page(page.view, { ...data, forms: { ...data.forms, ...sent } }, err.status);
    return new Reply(shown.status, shown.body, { ...shown.headers, ...err.headers }, shown.type);
  }
}

function stateOf(err: HttpError, page: FormPage): FormState {
  const fields: Record<string, string> = {};
  for (const { path, message } of err.errors ?? []) {
    const key = path.replace(/^body\./, '');
    const name = page.fieldNames?.[key] ?? key;
    fields[name] = fields[name] ? `${fields[name]}; ${message}` : message;
  }
  if (err.status === 409 && page.conflictField) fields[page.conflictField] ??= 'is already in use';
  return { values: page.values, message: err.detail, fields };
}

/** `?done=<key>`: what the form that redirected here did. */
export const Done = Type.Optional(Type.String({ pattern: '^[a-z-]{1,40}$' }));

/** A success message for `?done=<key>`, the page a form redirects to after it worked. */
export function doneNotice(messages: Record<string, string>, done: string | undefined): { kind: 'success'; message: string } | undefined {
  return done !== undefined && Object.hasOwn(messages, done) ? { kind: 'success', message: messages[done] } : undefined;
}

// ---- fields: a browser sends "" for an empty field ------------------------------------------

/** Throws a 400 naming every field left blank. */
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

/** A required field's value, trimmed; blank is a 400 naming the field. */
export function filled(value: string, field: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw badRequest(`Fill in the ${field}.`, [{ path: `body.${field}`, message: 'is required' }]);
  return trimmed;
}

/**
 * An optional field: blank means "not given". `'trim'` gives the value trimmed (names, searches);
 * `'verbatim'` gives it exactly as typed (passwords, where spaces count).
 */
export function given(value: string | undefined, how: 'trim' | 'verbatim'): string | undefined {
  if (!value?.trim()) return undefined;
  return how === 'trim' ? value.trim() : value;
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
