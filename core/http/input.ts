// What a client sent, as text, decoded strictly before validation: the JSON or form body of a route,
// read whole within the body limit (raw-body.ts), and the query string. Bytes that are not UTF-8 are a
// 400 — never text with U+FFFD stored in their place — and a Content-Encoding or another charset is a
// 415. A form's field names nest one level at most (`grant[name]`); a name given twice, or written
// `name[]`, makes a list.
import type Koa from 'koa';
import typeIs from 'type-is';
import { badRequest, unsupportedMediaType, type FieldError } from './errors';
import { formatBytes, readBytes, strictUtf8, tooLargeBody, UTF8_CHARSETS } from './raw-body';

export interface Body { value: unknown; form: boolean }

const notUtf8 = () => badRequest('The body is not valid UTF-8.', [{ path: 'body', message: 'is not valid UTF-8' }]);
const notJson = () => badRequest('The body is not valid JSON.');
/** A JSON body is an object or an array (a bare string or number is no request body). */
const OBJECT_OR_ARRAY = /^[\x20\x09\x0a\x0d]*[[{]/;

export async function readBody(ctx: Koa.Context, limitBytes: number): Promise<Body> {
  if (!typeIs.hasBody(ctx.req)) return { value: {}, form: false };
  const form = typeIs(ctx.req, ['application/x-www-form-urlencoded']) !== false;
  if (!form && !typeIs(ctx.req, ['application/json', 'application/*+json'])) throw unsupportedMediaType('Send the body as application/json.');
  const encoding = ctx.get('content-encoding').toLowerCase();
  if (encoding && encoding !== 'identity') throw unsupportedMediaType('Send the body without a Content-Encoding.');
  const charset = ctx.request.charset.toLowerCase();
  if (charset && !UTF8_CHARSETS.has(charset)) throw unsupportedMediaType('Send the body as UTF-8.');
  const bytes = await readBytes(ctx.req, limitBytes, () => tooLargeBody(`The body is larger than ${formatBytes(limitBytes)}.`));
  let text: string;
  try {
    text = strictUtf8(bytes);
  } catch {
    throw notUtf8();
  }
  return { value: form ? parseForm(text) : parseJson(text), form };
}

function parseJson(text: string): unknown {
  if (!text.trim()) return {};
  if (!OBJECT_OR_ARRAY.test(text)) throw notJson();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw notJson();
  }
}

/** `name`, `name[]` (a list) and `name[key]` (a group); deeper names are refused. */
const FIELD = /^([^[\]]+)(?:\[([^[\]]*)\])?$/;

function parseForm(text: string): Record<string, unknown> {
  const fields = new Map<string, unknown>();
  const groups = new Map<string, Map<string, unknown>>();
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = formDecode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : formDecode(pair.slice(eq + 1));
    const field = FIELD.exec(name);
    if (!field) throw badRequest(`The form field ${name} nests too deeply.`, [{ path: `body.${name}`, message: 'nests deeper than one level (name[key])' }]);
    const [, base, key] = field;
    if (key) {
      const group = groups.get(base) ?? new Map<string, unknown>();
      groups.set(base, group);
      group.set(key, listed(group.get(key), value));
    } else {
      fields.set(base, key === '' ? [...listOf(fields.get(base)), value] : listed(fields.get(base), value));
    }
  }
  for (const [base, group] of groups) {
    if (fields.has(base)) throw badRequest(`The form field ${base} is both a value and a group.`, [{ path: `body.${base}`, message: 'is both a value and a group' }]);
    fields.set(base, Object.fromEntries(group));
  }
  // fromEntries defines own properties, so a field named __proto__ is only a field.
  return Object.fromEntries(fields);
}

const listOf = (earlier: unknown): unknown[] => (earlier === undefined ? [] : [earlier].flat());
/** A second value of a name makes a list. */
const listed = (earlier: unknown, value: string) => (earlier === undefined ? value : [...listOf(earlier), value]);

/** `+` is a space; runs of %XX escapes are UTF-8 bytes; a stray `%` stays as written (as browsers and qs do). */
function formDecode(s: string): string {
  return s.replace(/\+/g, ' ').replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return strictUtf8(Buffer.from(run.replace(/%/g, ''), 'hex'));
    } catch {
      throw notUtf8();
    }
  });
}

/** The query string's problem, when its escapes are not UTF-8 (Koa would put U+FFFD in their place). */
export function queryErrors(querystring: string): FieldError[] {
  try {
    formDecode(querystring);
    return [];
  } catch {
    return [{ path: 'query', message: 'is not valid UTF-8' }];
  }
}
