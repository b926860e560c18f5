// JSON Schema validation with ajv (+ formats), turning every failure into a field error, so a 400
// lists each bad field at once. Query and path strings are coerced to the schema's types; bodies
// are not. Strings with NUL bytes are refused here because PostgreSQL rejects them even as parameters.
// List cursors are decoded here too (cursor.ts), so a bad one is a field error like any other.
import Ajv, { type SchemaValidateFunction, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import type { FieldError } from './errors';
import { CURSOR_KEYWORD, decodeKey, type KeyPart } from './cursor';

function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes, strict: false });
  addFormats(ajv);
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

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv('array');

export type Validator = (value: unknown) => FieldError[];

/** Compiles once; the returned function fills defaults in place and returns the field errors. */
export function compileValidator(schema: TSchema, where: string, opts: { coerce?: boolean } = {}): Validator {
  const fn: ValidateFunction = (opts.coerce ? coercingAjv : strictAjv).compile(schema);
  return (value) => {
    const nul = nulErrors(value, where);
    if (nul.length) return nul;
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

function nulErrors(value: unknown, path: string): FieldError[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [{ path, message: 'must not contain NUL bytes' }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulErrors(v, `${path}.${i}`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      k.includes('\u0000') ? [{ path, message: 'keys must not contain NUL bytes' }] : nulErrors(v, `${path}.${k}`));
  }
  return [];
}
