// Routes as data: method, path, who may call it, JSON Schemas for its input, and a handler that
// receives validated input and returns a value (200 JSON) or a Reply. The server mounts them.
import type Koa from 'koa';
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { isBranded } from '../brand';
import type { ContextRef, JobInfo, PermissionRef, PluginContext, Principal } from '../plugin';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteRequest<P = unknown, Q = unknown, B = unknown> extends PluginContext {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: Principal | null;
  readonly requestId: string;
  readonly ip: string;
  /** The raw Koa context, for streaming bodies, cookies and headers. */
  readonly koa: Koa.Context;
  /** Whether the caller holds `permission` at `context` (default: system). */
  allowed(permission: PermissionRef, context?: ContextRef): Promise<boolean>;
  /** Throws 403 unless the caller holds `permission` at `context`. */
  authorize(permission: PermissionRef, context?: ContextRef): Promise<void>;
  /** Renders a view inside the theme's layout as an HTML reply. */
  page(view: string, data?: Record<string, unknown>, status?: number): Promise<Reply>;
}

export interface RouteDef<P extends TSchema, Q extends TSchema, B extends TSchema> {
  method: Method;
  /** @koa/router 15 syntax: `/api/v1/things/:id`, optional segments as `{/:id}`. */
  path: string;
  summary?: string;
  /** Exactly one of permission, authenticated or public is required. */
  permission?: PermissionRef;
  authenticated?: true;
  public?: true;
  /** Where `permission` is checked; defaults to the system context. */
  context?: (input: { params: Static<P>; query: Static<Q> }) => ContextRef;
  params?: P;
  query?: Q;
  body?: B;
  /** Accept a raw body of these media types (read it from `req.koa.req`) instead of JSON. */
  rawBody?: { types: string[] };
  /** An HTML page: failures render the theme's error page instead of problem+json. */
  html?: boolean;
  handler(req: RouteRequest<Static<P>, Static<Q>, Static<B>>): Promise<unknown>;
}

export interface RouteRef extends Readonly<RouteDef<TSchema, TSchema, TSchema>> { readonly kind: 'route' }

type Empty = TObject<{}>;
export function defineRoute<P extends TSchema = Empty, Q extends TSchema = Empty, B extends TSchema = Empty>(def: RouteDef<P, Q, B>): RouteRef {
  return Object.freeze({ kind: 'route' as const, ...def }) as unknown as RouteRef;
}

/** What a handler returns when 200-with-JSON is not the answer. */
const REPLY = Symbol.for('lectern.Reply');

export class Reply {
  readonly [REPLY] = true;
  static [Symbol.hasInstance](value: unknown): boolean { return isBranded(value, REPLY); }

  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly type?: string,
  ) {}
}

export const reply = {
  ok: (body: unknown) => new Reply(200, body),
  created: (body: unknown) => new Reply(201, body),
  accepted: (job: JobInfo) => new Reply(202, { job: { id: job.id, state: job.state } }, { Location: `/api/v1/jobs/${encodeURIComponent(job.id)}` }),
  noContent: () => new Reply(204),
  html: (html: string, status = 200) => new Reply(status, html, {}, 'text/html; charset=utf-8'),
  redirect: (location: string) => new Reply(303, undefined, { Location: location }),
};
