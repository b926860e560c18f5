// Routes as data: method, path, who may call it, JSON Schemas for its input and its answers, and a
// handler that receives validated input and returns a value (200 JSON) or a Reply. The server mounts
// them; the OpenAPI document (openapi.ts) is made from them.
import { Kind, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { isBranded } from '../brand';
import type { ContextRef, JobInfo, PermissionRef, PluginContext, Principal } from '../plugin';
import type { Cookies } from './cookies';
import type { RawBody, RawBodyLimits } from './raw-body';
import type { Upload } from './upload';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `Principal` on routes that need a caller (a permission or `authenticated`), `Principal | null` on public ones. */
export interface RouteRequest<P = unknown, Q = unknown, B = unknown, C extends Principal | null = Principal | null> extends PluginContext {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: C;
  readonly requestId: string;
  readonly ip: string;
  readonly cookies: Cookies;
  /** A request header (e.g. `user-agent`), or undefined when absent. */
  header(name: string): string | undefined;
  /** The whole body of a `rawBody` route, read within the limits (413 too large, 408 a client that stops sending). */
  rawBody(limits: RawBodyLimits): Promise<RawBody>;
  /**
   * The body of a `rawBody` route as a stream, for files: the body itself, or the first file of a
   * multipart/form-data form (when the route lists that type) with the text fields before it. Call it once.
   */
  upload(limits: RawBodyLimits): Promise<Upload>;
  /** Whether the caller holds `permission` at `context` (default: system). */
  can(permission: PermissionRef, context?: ContextRef): Promise<boolean>;
  /** Whether `principal` holds `permission` at `context` (default: system). */
  can(principal: Principal | null, permission: PermissionRef, context?: ContextRef): Promise<boolean>;
  /** Throws 403 unless the caller holds `permission` at `context`. */
  authorize(permission: PermissionRef, context?: ContextRef): Promise<void>;
  /** The language of this request's pages: the caller's choice, else the system's (a locale with strings). */
  locale(): Promise<string>;
  /** Renders a view inside the theme's layout as an HTML reply. */
  page(view: string, data?: Record<string, unknown>, status?: number): Promise<Reply>;
}

/** The request of a route that needs a caller (a permission or `authenticated`), for helpers that take one. */
export type SignedInRequest<P = unknown, Q = unknown, B = unknown> = RouteRequest<P, Q, B, Principal>;

/** Who may call a route: exactly one of permission, authenticated or public is required. */
type Access = { permission: PermissionRef; authenticated?: undefined; public?: undefined }
  | { authenticated: true; permission?: undefined; public?: undefined }
  | { public: true; permission?: undefined; authenticated?: undefined };

/**
 * A success answer: the schema of its JSON body, `null` for no body, or another media type (`{ media: 'application/pdf' }`;
 * `{ media: '*\/*' }` for files of any type), which may also answer JSON (`{ media: 'text/csv', json: Report }`: a report, or its CSV).
 */
export type Answer = TSchema | null | MediaAnswer;
export interface MediaAnswer { media: string; schema?: TSchema; json?: TSchema }

/** Whether an answer is another media type than JSON. */
export const isMediaAnswer = (answer: Answer): answer is MediaAnswer =>
  answer !== null && !(Kind in answer) && typeof answer.media === 'string';

/** A route's success answers by status, e.g. `{ 201: Course, 200: Course }`, `{ 204: null }`, `{ 202: JobAccepted }`. */
export type Responses = Readonly<Record<number, Answer>>;

/**
 * Failures a handler answers itself, beyond those the core derives from the route (`routeErrors` in
 * openapi.ts: 400 bad input, 401/403 for who may call it, 404, 408/413/415 for bodies).
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 410 | 413 | 415 | 416 | 422 | 429;

/** An API route says what it does and what it answers; a page (`html: true`) is not part of the API document. */
type Documentation =
  | { html: true; summary?: string; responses?: undefined; errors?: undefined }
  | { html?: false; summary: string; responses: Responses; errors?: readonly ErrorStatus[] };

interface RouteFields<P extends TSchema, Q extends TSchema, B extends TSchema> {
  method: Method;
  /** @koa/router 15 syntax: `/api/v1/things/:id`, optional segments as `{/:id}`. */
  path: string;
  permission?: PermissionRef;
  authenticated?: true;
  public?: true;
  /** Where `permission` is checked; defaults to the system context. */
  context?: (input: { params: Static<P>; query: Static<Q> }) => ContextRef;
  params?: P;
  query?: Q;
  body?: B;
  /** Accept a raw body of these media types (read it with `req.rawBody`, or stream it with `req.upload`) instead of JSON. */
  rawBody?: { types: string[] };
}

/** `html: true` makes the route an HTML page: failures render the theme's error page instead of problem+json. */
export type RouteDef<P extends TSchema, Q extends TSchema, B extends TSchema, C extends Principal | null = Principal | null> =
  RouteFields<P, Q, B> & Documentation & {
  handler(req: RouteRequest<Static<P>, Static<Q>, Static<B>, C>): Promise<unknown>;
};

export type RouteRef = Readonly<RouteDef<TSchema, TSchema, TSchema>> & { readonly kind: 'route' };

type Empty = TObject<{}>;
/** A public route: its handler may see no caller. */
export function defineRoute<P extends TSchema = Empty, Q extends TSchema = Empty, B extends TSchema = Empty>(def: RouteDef<P, Q, B> & { public: true }): RouteRef;
/** A route with a permission or `authenticated: true`: its handler always has a caller. */
export function defineRoute<P extends TSchema = Empty, Q extends TSchema = Empty, B extends TSchema = Empty>(def: RouteDef<P, Q, B, Principal> & Access): RouteRef;
export function defineRoute(def: RouteDef<TSchema, TSchema, TSchema>): RouteRef {
  return Object.freeze({ kind: 'route' as const, ...def });
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
