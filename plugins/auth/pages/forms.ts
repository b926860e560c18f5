// Forms of the auth pages. A mistake the person can fix (an empty or bad field, a taken email, a wrong
// password, too many attempts) shows the same page again, with the problem above the form and each
// message next to its field, at the problem's status — never the generic error page.
import { badRequest, HttpError, Reply, Type, type RouteRequest } from 'lectern';

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
  /** The page's data as its GET shows it. */
  load(): Promise<PageData>;
  /** An error's field (its path without `body.`) → the form's field, where the names differ. */
  fieldNames?: Record<string, string>;
  /** The field a 409 is about, e.g. a taken email. */
  conflictField?: string;
}

/** Statuses a form answers by showing itself again. */
const FIXABLE = new Set([400, 401, 409, 429]);

/** Runs a form's action; a fixable 4xx renders the page again with the form's problem instead. */
export async function submitForm(req: RouteRequest, page: FormPage, action: () => Promise<Reply>): Promise<Reply> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof HttpError) || !FIXABLE.has(err.status)) throw err;
    const data = await page.load();
    const forms = { ...data.forms, [page.form]: stateOf(err, page) };
    const shown = await req.page(page.view, { ...data, forms }, err.status);
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

/** `?done=<key>`: what the form that redirected here did. */
export const Done = Type.Optional(Type.String({ pattern: '^[a-z-]{1,40}$' }));

/** A success message for `?done=<key>`, the page a form redirects to after it worked. */
export function doneNotice(messages: Record<string, string>, done: string | undefined): { kind: 'success'; message: string } | undefined {
  return done !== undefined && Object.hasOwn(messages, done) ? { kind: 'success', message: messages[done] } : undefined;
}
