// JSON Schema validation with ajv (+ formats), turning every failure into a field error, so a 400
// lists each bad field at once. Query and path strings are coerced to the schema's types; bodies
// are not. Strings with NUL bytes are refused here because PostgreSQL rejects them even as parameters,
// and so is input nested deeper than any form needs, before ajv or a handler walks it. Dates are held
// to what PostgreSQL stores as written. List cursors are decoded here too (cursor.ts), so a bad one is
// a field error like any other.
import Ajv, { type SchemaValidateFunction, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
import type { TSchema } from '@sinclair/typebox';
import type { FieldError } from './errors';
import { CURSOR_KEYWORD, decodeKey, type KeyPart } from './cursor';

function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes, strict: false });
  addFormats(ajv);
  ajv.addFormat('date', { type: 'string', validate: (s: string) => rfc3339('date')(s) && storableYear(s) });
  ajv.addFormat('date-time', { type: 'string', validate: storableDateTime });
  ajv.addKeyword({ keyword: CURSOR_KEYWORD, type: 'string', schemaType: 'array', modifying: true, errors: true, validate: decodeCursor });
  return ajv;
}

/** Replaces a cursor string by its key, or fails with "is invalid". */
const decodeCursor: SchemaValidateFunction = function (parts: KeyPart[], data: string, _schema, cxt) {
  const key = decodeKey(parts, data);
  if (key && cxt) cxt.parentData[cxt.parentDataProperty] = key;
  decodeCursor.errors = key ? [] : [{ keyword: CURSOR_KEYWORD, message: 'is invalid', params: {} }];
  return key !== undefined;
};

/**
 * RFC 3339 (ajv-formats) that PostgreSQL keeps as written and `new Date()` reads: no leap second
 * (PostgreSQL moves 23:59:60 to the next minute, Date refuses it), an offset within ±15:59 and a year
 * from 1000 (PostgreSQL refuses year 0, and drivers read years below 100 as 19xx).
 */
function storableDateTime(s: string): boolean {
  if (!rfc3339('date-time')(s) || !storableYear(s) || Number.isNaN(Date.parse(s))) return false;
  const offset = /([+-])(\d\d):?\d\d$/.exec(s);
  return !offset || Number(offset[2]) <= 15;
}

/** ajv-formats' own check (an object with `validate` for these two formats). */
const rfc3339 = (format: 'date' | 'date-time') => (fullFormats[format] as { validate: (s: string) => boolean }).validate;
const storableYear = (s: string) => Number(s.slice(0, 4)) >= 1000;

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv('array');

export type Validator = (value: unknown) => FieldError[];

/** Compiles once; the returned function fills defaults in place and returns the field errors. */
export function compileValidator(schema: TSchema, where: string, opts: { coerce?: boolean } = {}): Validator {
  const fn: ValidateFunction = (opts.coerce ? coercingAjv : strictAjv).compile(schema);
  return (value) => {
    const unsafe = unsafeInput(value, where);
    if (unsafe.length) return unsafe;
    return fn(value) ? [] : (fn.errors ?? []).map((e) => toFieldError(e, where));
  };
}

function toFieldError(e: ErrorObject, where: string): FieldError {
  const path = [where, ...e.instancePath.split('/').slice(1).map(unescapePointer)];
  if (e.keyword === 'required') return { path: [...path, String(e.params.missingProperty)].join('.'), message: 'is required' };
  if (e.keyword === 'additionalProperties') return { path: [...path, String(e.params.additionalProperty)].join('.'), message: 'is not allowed' };
  return { path: path.join('.'), message: e.message ?? 'is invalid' };
}

const unescapePointer = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** How deep objects and arrays may nest (the body itself is level 1). */
const MAX_DEPTH = 32;

/** NUL bytes in strings and keys, and nesting past MAX_DEPTH; a loop, not recursion, so any depth is safe to walk. */
function unsafeInput(value: unknown, where: string): FieldError[] {
  const errors: FieldError[] = [];
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: where, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value: v, path, depth } = next;
    if (typeof v === 'string' && v.includes('\u0000')) errors.push({ path, message: 'must not contain NUL bytes' });
    if (!v || typeof v !== 'object') continue;
    if (depth === MAX_DEPTH) {
      errors.push({ path, message: `nests deeper than ${MAX_DEPTH} levels` });
      continue;
    }
    const entries = Array.isArray(v) ? v.map((item, i) => [String(i), item] as const) : Object.entries(v);
    if (entries.some(([k]) => k.includes('\u0000'))) errors.push({ path, message: 'keys must not contain NUL bytes' });
    // Reversed onto the stack, so errors come out in document order.
    for (let i = entries.length - 1; i >= 0; i--) pending.push({ value: entries[i][1], path: `${path}.${entries[i][0]}`, depth: depth + 1 });
  }
  return errors;
}
