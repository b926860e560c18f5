// In tests, every answer of an API route is checked against what the route declares (`responses`,
// and the failures openapi.ts lists for it), so the whole test suite proves the OpenAPI document:
// an undeclared status, a body that does not match its schema, or a field the schema does not list
// is a 500 naming the mismatch. Off in production, where it would only cost time.
import Ajv, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import type { Logger } from 'pino';
import { HttpError } from './errors';
import { routeErrors } from './openapi';
import { isMediaAnswer, type RouteRef } from './route';

/** What the server is about to send. */
export interface Sent { status: number; type: string; body: unknown }

export interface ResponseCheck {
  /** Throws when `sent` is not a declared answer of the route. */
  answer(sent: Sent): void;
  /** Throws when the handler failed with a status the route does not declare; otherwise does nothing. */
  failure(err: unknown): void;
}

/** Made on first use, so an app that does not check pays nothing. */
let ajv: Ajv | undefined;
/** Compiled once per schema and process: the same route definitions serve many test apps. */
const compiled = new WeakMap<TSchema, ValidateFunction>();

export function responseCheck(plugin: string, route: RouteRef, log: Logger): ResponseCheck | undefined {
  if (route.html) return undefined;
  const responses = route.responses ?? {};
  const errors = new Set(routeErrors(plugin, route));
  const refuse = (detail: string): never => {
    log.error({ route: `${route.method} ${route.path}` }, `undeclared answer: ${detail}`);
    throw new HttpError(500, 'undeclared-answer', 'Undeclared answer', `${route.method} ${route.path}: ${detail}`);
  };
  return {
    answer({ status, type, body }) {
      if (!(status in responses)) refuse(`status ${status} is not declared (declared: ${Object.keys(responses).join(', ') || 'none'})`);
      const answer = responses[status];
      if (answer === null) {
        if (body != null) refuse(`status ${status} is declared without a body, but has one`);
        return;
      }
      const asJson = isMediaAnswer(answer) && answer.json && type === 'application/json';
      const media = isMediaAnswer(answer) && !asJson ? answer.media : 'application/json';
      if (type !== media && !(media === '*/*' && type)) refuse(`status ${status} is declared as ${media}, but is ${type || 'empty'}`);
      const schema = isMediaAnswer(answer) ? (asJson ? answer.json : answer.schema) : answer;
      if (!schema) return;
      const validate = validatorOf(schema);
      // The client sees the JSON text: dates as strings, undefined fields left out.
      if (!validate(media === 'application/json' ? JSON.parse(JSON.stringify(body)) : body)) {
        refuse(`the body of status ${status} does not match its schema: ${(validate.errors ?? []).map(describe).join(', ')}`);
      }
    },
    failure(err) {
      if (err instanceof HttpError && err.status < 500 && !errors.has(err.status)) {
        refuse(`the handler failed with status ${err.status}, which is not declared (declared: ${[...errors].join(', ') || 'none'}): ${err.detail}`);
      }
    },
  };
}

const describe = (e: ErrorObject) =>
  `body${e.instancePath} ${e.message ?? 'is invalid'}${e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''}`;

function validatorOf(schema: TSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    ajv ??= addFormats(new Ajv({ allErrors: true, strict: false }));
    validate = ajv.compile(closed(JSON.parse(JSON.stringify(schema))) as AnySchema);
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * The schema with every object closed to properties it does not list, so an answer with a field its
 * schema forgot fails here, not in a generated client. The document keeps objects open (new fields
 * are not breaking changes); the members of an `allOf` stay open, as each lists only its part.
 */
function closed(schema: unknown, inAllOf = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => closed(s, inAllOf));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' || k === 'patternProperties' || k === '$defs') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([p, s]) => [p, closed(s)]));
    } else if (k === 'allOf') {
      out[k] = (v as unknown[]).map((s) => closed(s, true));
    } else if (['items', 'prefixItems', 'anyOf', 'oneOf', 'additionalProperties', 'not'].includes(k)) {
      out[k] = closed(v);
    } else {
      out[k] = v;
    }
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !inAllOf) out.additionalProperties = false;
  return out;
}
