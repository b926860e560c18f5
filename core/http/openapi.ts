// The OpenAPI 3.1 document, generated from the same route definitions and JSON Schemas that validate
// requests (and, in tests, answers: response-check.ts), so the published contract cannot drift from
// what the server does. Pages (`html: true`) answer browsers, not clients, and are left out.
import type { TSchema } from '@sinclair/typebox';
import type { MountedRoute } from './server';
import { isMediaAnswer, type Answer, type RouteRef } from './route';
import { COMPONENT_KEYWORD, JobAccepted, ProblemSchema } from './response-schemas';

type Json = Record<string, unknown>;

/** The failures a route can answer: those its definition implies, and those its handler declares. */
export function routeErrors(plugin: string, route: RouteRef): number[] {
  const errors = new Set<number>(route.errors);
  if (route.params || route.query || route.body || route.rawBody) errors.add(400);
  if (!route.public) errors.add(401);
  // A permission may be refused; a cookie session without its CSRF token is refused on unsafe methods.
  if (route.permission || (!route.public && route.method !== 'GET')) errors.add(403);
  // A disabled plugin's routes answer 404.
  if (plugin !== 'core' || route.params) errors.add(404);
  if (route.body || route.rawBody) [413, 415].forEach((s) => errors.add(s));
  if (route.rawBody) errors.add(408);
  return [...errors].sort((a, b) => a - b);
}

/** Each failure status as a shared response: its component name and description. */
const FAILURES: Record<number, [string, string]> = {
  400: ['InvalidInput', 'Invalid input: every bad field is listed in `errors`'],
  401: ['Unauthenticated', 'Not authenticated'],
  403: ['Forbidden', 'Not permitted (a cookie session also needs its CSRF token on POST, PUT, PATCH and DELETE)'],
  404: ['NotFound', 'Not found, or not visible to the caller'],
  408: ['RequestTimeout', 'The client stopped sending the body'],
  409: ['Conflict', 'Conflicts with the current state'],
  410: ['Gone', 'Gone for good'],
  413: ['TooLarge', 'The body is larger than the limit'],
  415: ['UnsupportedMediaType', 'The body is not of an accepted media type (or charset)'],
  416: ['RangeNotSatisfiable', 'The requested byte range lies outside the file'],
  422: ['Unprocessable', 'Well-formed, but cannot be done'],
  429: ['RateLimited', 'Too many requests: try again after Retry-After seconds'],
};

const SUCCESSES: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted: the work runs as a job; follow Location to see it', 204: 'No content', 206: 'Part of the file (Range)', 503: 'Unavailable',
};

const retryAfter = { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } };

/** `sessionCookie`: the cookie of the identity plugin's sessions, when it has them. */
export function openApiDocument(routes: MountedRoute[], version: string, sessionCookie?: string): Json {
  const components = new Components();
  const paths: Record<string, Record<string, Json>> = {};
  const operationIds = new Set<string>();
  const failures = new Set<number>();
  for (const { plugin, route } of routes) {
    if (route.html) continue;
    const path = route.path.replace(/:(\w+)/g, '{$1}').replace(/\{\/(\{\w+\})\}/g, '/$1');
    const errors = routeErrors(plugin, route);
    errors.forEach((s) => failures.add(s));
    const op: Json = {
      operationId: unique(operationIds, operationId(route.method, path)),
      tags: [plugin],
      summary: route.summary,
      parameters: [...parameters(components, route.params, 'path'), ...parameters(components, route.query, 'query')],
      responses: {
        ...Object.fromEntries(Object.entries(route.responses ?? {}).map(([status, answer]) => [status, success(components, Number(status), answer)])),
        ...Object.fromEntries(errors.map((s) => [s, { $ref: `#/components/responses/${FAILURES[s][0]}` }])),
      },
      security: route.public ? [] : [{ bearer: [] }, ...(sessionCookie ? [{ session: [] }] : [])],
      'x-permission': route.permission?.name ?? (route.public ? 'public' : 'authenticated'),
    };
    if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: components.schema(route.body) } } };
    if (route.rawBody) {
      op.requestBody = { required: true, content: Object.fromEntries(route.rawBody.types.map((t) => [t, { schema: rawSchema(t) }])) };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Lectern API', version },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        ...(sessionCookie ? { session: { type: 'apiKey', in: 'cookie', name: sessionCookie } } : {}),
      },
      responses: Object.fromEntries([...failures].sort((a, b) => a - b).map((s) => [FAILURES[s][0], {
        description: FAILURES[s][1],
        ...(s === 429 ? { headers: retryAfter } : {}),
        content: { 'application/problem+json': { schema: components.schema(ProblemSchema) } },
      }])),
      schemas: components.named,
    },
  };
}

/** A raw body is the file itself; a form carries it as its `file` part (`req.upload` takes the first file part). */
const rawSchema = (type: string): Json => (type === 'multipart/form-data'
  ? { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] }
  : { type: 'string' });

function success(components: Components, status: number, answer: Answer): Json {
  const description = (answer && !isMediaAnswer(answer) && typeof answer.description === 'string' ? answer.description : undefined)
    ?? SUCCESSES[status] ?? 'Success';
  if (answer === null) return { description };
  if (isMediaAnswer(answer)) {
    const content: Json = { [answer.media]: answer.schema ? { schema: components.schema(answer.schema) } : {} };
    if (answer.json) content['application/json'] = { schema: components.schema(answer.json) };
    return { description, content };
  }
  return {
    description,
    ...(answer === JobAccepted ? { headers: { Location: { description: 'The job: /api/v1/jobs/<id>', schema: { type: 'string' } } } } : {}),
    content: { 'application/json': { schema: components.schema(answer) } },
  };
}

function parameters(components: Components, schema: TSchema | undefined, where: 'path' | 'query'): Json[] {
  const props = (schema?.properties ?? {}) as Record<string, TSchema>;
  const required = new Set<string>((schema?.required as string[] | undefined) ?? []);
  // A parameter with a default is optional to the caller: the validator fills it in.
  return Object.entries(props).map(([name, s]) => ({
    name, in: where, required: where === 'path' || (required.has(name) && s.default === undefined),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: components.schema(s),
  }));
}

/** `GET /api/v1/users/{id}/roles` → `getUsersByIdRoles`. */
function operationId(method: string, path: string): string {
  const words = path.replace(/^\/api\/v1(?=\/)/, '').split(/[^a-zA-Z0-9{}]+/).filter(Boolean)
    .map((w) => (w.startsWith('{') ? `by-${w.slice(1, -1)}` : w).replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()));
  return method.toLowerCase() + words.join('');
}

function unique(taken: Set<string>, id: string): string {
  let candidate = id;
  for (let n = 2; taken.has(candidate); n++) candidate = `${id}${n}`;
  taken.add(candidate);
  return candidate;
}

/**
 * Schemas as JSON, each named one (see `named`) listed once under components and referred to by `$ref`.
 * Two plugins may use one name for different shapes: the second becomes `<name>2`.
 */
class Components {
  readonly named: Record<string, Json> = {};
  private readonly text = new Map<string, string>();

  schema(schema: TSchema): Json {
    return this.lift(JSON.parse(JSON.stringify(schema))) as Json;
  }

  private lift(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.lift(v));
    if (!value || typeof value !== 'object') return value;
    const { [COMPONENT_KEYWORD]: name, ...rest } = value as Json;
    // The core's own keywords (the cursor's decoding, the component name) mean nothing to a client.
    const lifted = Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith('x-lectern-')).map(([k, v]) => [k, this.lift(v)]));
    if (typeof name !== 'string') return lifted;
    const text = JSON.stringify(lifted);
    let ref = name;
    for (let n = 2; this.text.has(ref) && this.text.get(ref) !== text; n++) ref = `${name}${n}`;
    this.text.set(ref, text);
    this.named[ref] = lifted;
    return { $ref: `#/components/schemas/${ref}` };
  }
}
