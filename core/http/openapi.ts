// The OpenAPI 3.1 document, generated from the same route definitions and JSON Schemas that
// validate requests, so the published contract cannot drift from what the server does.
import type { TSchema } from '@sinclair/typebox';
import type { MountedRoute } from './server';

type Json = Record<string, unknown>;

const problem = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problem } } });

/** `sessionCookie`: the cookie of the identity plugin's sessions, when it has them. */
export function openApiDocument(routes: MountedRoute[], version: string, sessionCookie?: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const { plugin, route } of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}').replace(/\{\/(\{\w+\})\}/g, '/$1');
    const op: Json = {
      operationId: `${plugin}.${route.method.toLowerCase()}${path.replace(/[^a-zA-Z0-9]+(\w?)/g, (_m, c: string) => c.toUpperCase())}`,
      tags: [plugin],
      summary: route.summary,
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      responses: {
        200: { description: 'OK' },
        400: problemResponse('Invalid input: every bad field is listed'),
        ...(route.public ? {} : { 401: problemResponse('Not authenticated'), 403: problemResponse('Not permitted') }),
      },
      'x-permission': route.permission?.name ?? (route.public ? 'public' : 'authenticated'),
    };
    if (!route.public) op.security = [{ bearer: [] }, ...(sessionCookie ? [{ session: [] }] : [])];
    if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: plain(route.body) } } };
    if (route.rawBody) op.requestBody = { required: true, content: Object.fromEntries(route.rawBody.types.map((t) => [t, {}])) };
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
      schemas: {
        Problem: {
          type: 'object', required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
}

function parameters(schema: TSchema | undefined, where: 'path' | 'query'): Json[] {
  const props = (schema?.properties ?? {}) as Record<string, TSchema>;
  const required = new Set<string>((schema?.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: plain(s) }));
}

/** A JSON copy without TypeBox's symbol keys. */
const plain = (schema: TSchema): Json => JSON.parse(JSON.stringify(schema)) as Json;
