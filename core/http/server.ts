// The HTTP layer: Koa with request ids, access logs, security headers, the cross-site check and
// problem+json errors, and the wrapper that runs every route the same way — plugin enabled? caller
// known? input valid? permitted? — before its handler sees anything.
import crypto from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import typeIs from 'type-is';
import type { Logger } from 'pino';
import { SYSTEM, type ContextRef, type GuardRequest, type IdentityRequest, type PermissionRef, type Principal } from '../plugin';
import {
  HttpError, badRequest, forbidden, notFound, serviceUnavailable, unauthorized, unsupportedMediaType, conflict, type FieldError,
} from './errors';
import { compileValidator, type Validator } from './validation';
import { queryErrors, readBody } from './input';
import { isClientClosed } from './raw-body';
import { UploadBody } from './upload';
import { Reply, type RouteRef } from './route';
import type { RequestInit, RequestRuntime } from './request';
import { responseCheck, type ResponseCheck } from './response-check';

export interface ServerDeps {
  log: Logger;
  bodyLimitBytes: number;
  trustProxy: boolean;
  /** The identity providers in order, each already bound to its plugin's context. */
  identities(): { resolve(req: IdentityRequest): Promise<Principal | null>; signInPath?: string }[];
  isEnabled(plugin: string): boolean;
  /** The enabled plugins' request guards; throws to refuse the request. */
  guard(req: GuardRequest): Promise<void>;
  can(principal: Principal | null, permission: PermissionRef, context: ContextRef): Promise<boolean>;
  request(plugin: string, init: RequestInit): RequestRuntime;
  layout(principal: Principal | null): Promise<Record<string, unknown>>;
  renderError(problem: { status: number; title: string; detail: string; requestId: string }, layout: Record<string, unknown>): Promise<string>;
  /** Check every answer of an API route against its declaration (tests; see response-check.ts). */
  checkResponses?: boolean;
}

export interface MountedRoute { plugin: string; route: RouteRef }

type Validators = { params?: Validator; query?: Validator; json?: Validator; form?: Validator; check?: ResponseCheck };

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'DENY',
  // Scripts and styles only from files of this site (themes and plugins serve them under /assets/).
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  // Answers carry personal data and tokens; static assets set their own caching.
  'Cache-Control': 'no-store',
};
const HSTS = 'max-age=31536000';
const REQUEST_ID = /^[\w.:-]{1,64}$/;
/** Probes answer whatever the plugins' guards say: a load balancer must see the process as it is. */
const PROBES = new Set(['/healthz', '/readyz']);
const DB_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
/** pg's messages for a lost connection (errors with no SQLSTATE), read after the statement knex puts before them. */
const DB_LOST = /^(?:Connection terminated|Connection ended unexpectedly|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)/;
/** The driver's own message: knex writes `<statement, values included> - <message>`, and values are the client's text. */
function driverMessage(message: string): string {
  const at = message.lastIndexOf(' - ');
  return at < 0 ? message : message.slice(at + 3);
}
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const DB_BAD_INPUT = new Set(['22P02', '22001', '22003', '22007', '22008', '22021', '22023', '2201B']);
/** Errors of a client's socket: with the client gone they mean it hung up, not that the database did. */
const CLIENT_GONE = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);
/** Browsers say where a request comes from; only this site's own pages may post with its cookies. */
const FOREIGN_FETCH_SITES = new Set(['cross-site', 'same-site']);

function sameToken(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export class HttpServer {
  readonly koa: Koa;
  readonly mounted: MountedRoute[] = [];
  private readonly router = new Router();
  private inFlight = 0;
  private onIdle: (() => void) | undefined;

  constructor(private readonly deps: ServerDeps, extra: Koa.Middleware[] = []) {
    // Behind a proxy, the client is the address the proxy appended, not one the client wrote itself.
    this.koa = new Koa({ proxy: deps.trustProxy, maxIpsCount: 1 });
    this.koa.silent = true;
    this.koa.use((ctx, next) => this.frame(ctx, next));
    for (const mw of extra) this.koa.use(mw);
  }

  mount(plugin: string, route: RouteRef): void {
    const v = {
      params: route.params && compileValidator(route.params, 'params', { coerce: true }),
      query: route.query && compileValidator(route.query, 'query', { coerce: true }),
      json: route.body && compileValidator(route.body, 'body'),
      form: route.body && compileValidator(route.body, 'body', { coerce: true }),
      check: this.deps.checkResponses ? responseCheck(plugin, route, this.deps.log) : undefined,
    };
    this.router.register(route.path, [route.method], (ctx: Koa.Context) => this.run(plugin, route, v, ctx));
    this.mounted.push({ plugin, route });
  }

  /** Call once every route is mounted. */
  finish(): void {
    this.koa.use(this.router.routes());
    this.koa.use(this.router.allowedMethods({
      throw: true,
      methodNotAllowed: () => new HttpError(405, 'method-not-allowed', 'Method not allowed', 'This resource does not accept that method.'),
      notImplemented: () => new HttpError(501, 'not-implemented', 'Not implemented', 'This server does not know that method.'),
    }));
  }

  callback(): ReturnType<Koa['callback']> {
    return this.koa.callback();
  }

  /** Resolves once no request is being handled (clients that hung up may leave handlers running). */
  async settled(timeoutMs = 10_000): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.onIdle = () => { clearTimeout(timer); resolve(); };
    });
  }

  /** Request id, access log, security headers, the cross-site check, and every error as problem+json (or a themed page). */
  private async frame(ctx: Koa.Context, next: Koa.Next): Promise<void> {
    const started = process.hrtime.bigint();
    this.inFlight += 1;
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    ctx.state.requestId = requestId;
    ctx.set({ 'X-Request-Id': requestId, ...SECURITY_HEADERS });
    if (ctx.secure) ctx.set('Strict-Transport-Security', HSTS);
    try {
      if (this.crossSite(ctx)) throw forbidden('Requests from other sites are refused: send this form from this site\'s own pages.');
      await next();
      if (ctx.status === 404 && ctx.body == null) throw notFound();
    } catch (err) {
      if (this.hungUp(ctx, err)) {
        ctx.status = 499; // nginx's "client closed request", for the access log; nobody reads the answer
        this.deps.log.info({ reqId: requestId, method: ctx.method, path: ctx.path }, 'client closed the request');
      } else {
        await this.fail(ctx, this.toHttpError(err, ctx));
      }
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.onIdle?.();
      if (this.deps.log.isLevelEnabled('info')) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        this.deps.log.info({ reqId: requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 }, 'request');
      }
    }
  }

  /**
   * A browser request (no Authorization header) that changes something and comes from another site —
   * by its Sec-Fetch-Site, or an Origin other than this server's (scheme and host, through the proxy
   * when trustProxy is set). SameSite=Lax cookies do not stop a same-site sender, nor a login form.
   */
  private crossSite(ctx: Koa.Context): boolean {
    if (SAFE_METHODS.has(ctx.method) || ctx.get('authorization')) return false;
    const origin = ctx.get('origin');
    // Not ctx.origin: Koa 3 gives the Origin header there.
    return FOREIGN_FETCH_SITES.has(ctx.get('sec-fetch-site')) || (origin !== '' && origin !== `${ctx.protocol}://${ctx.host}`);
  }

  /** The client went away before its answer: the request was cut off, or its socket failed with it. */
  private hungUp(ctx: Koa.Context, err: unknown): boolean {
    if (err instanceof HttpError) return isClientClosed(err);
    // The socket, not the request stream: a request whose body was read whole is destroyed too, and a
    // database connection reset (ECONNRESET) while its client still waits is an outage (503), not a hang-up.
    return ctx.req.socket.destroyed && CLIENT_GONE.has((err as { code?: unknown }).code as string);
  }

  /** Known failures become their 4xx/503; nothing a library or the database wrote reaches the client. */
  private toHttpError(err: unknown, ctx: Koa.Context): HttpError {
    if (err instanceof HttpError) return err;
    const e = err as { status?: number; expose?: boolean; code?: string; name?: string; message?: string };
    const reqId = ctx.state.requestId;
    if ((e.code && DB_DOWN.has(e.code)) || e.name === 'KnexTimeoutError' || (!e.code && DB_LOST.test(driverMessage(e.message ?? '')))) {
      this.deps.log.error({ err, reqId }, 'database unavailable');
      return serviceUnavailable('The database is unavailable; try again shortly.');
    }
    if (e.code === '23505') return conflict('That already exists.');
    if (e.code && DB_BAD_INPUT.has(e.code)) {
      this.deps.log.warn({ err, reqId }, 'the database refused a value that validation let through');
      return badRequest('The database refused a value of this request.');
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
      this.deps.log.warn({ err, reqId }, 'a library refused the request');
      return new HttpError(e.status, 'invalid-request', 'Invalid request', 'The request could not be handled as sent.');
    }
    this.deps.log.error({ err, reqId }, 'unhandled error');
    return new HttpError(500, 'internal', 'Internal error', `Something went wrong on our side. Reference: ${String(reqId)}`);
  }

  private async fail(ctx: Koa.Context, err: HttpError): Promise<void> {
    ctx.status = err.status;
    for (const [k, v] of Object.entries(err.headers)) ctx.set(k, v);
    if (this.wantsHtml(ctx)) {
      try {
        const principal = (ctx.state.principal as Principal | undefined) ?? null;
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = await this.deps.renderError({ status: err.status, title: err.title, detail: err.detail, requestId: String(ctx.state.requestId) }, await this.deps.layout(principal));
        return;
      } catch (renderErr) {
        this.deps.log.error({ err: renderErr, reqId: ctx.state.requestId }, 'could not render the error page');
      }
    }
    ctx.type = 'application/problem+json';
    ctx.body = err.toProblem();
  }

  private wantsHtml(ctx: Koa.Context): boolean {
    if (ctx.state.html === true) return true;
    if (ctx.path.startsWith('/api/') || PROBES.has(ctx.path)) return false;
    return ctx.method === 'GET' && ctx.accepts('json', 'html') === 'html';
  }

  private async run(plugin: string, route: RouteRef, v: Validators, ctx: Koa.Context): Promise<void> {
    const upload = route.rawBody && new UploadBody(ctx.req);
    try {
      await this.handle(plugin, route, v, ctx, upload);
    } finally {
      // What the handler left unread of an upload is not read: the answer closes the connection.
      if (upload?.close()) ctx.set('Connection', 'close');
    }
  }

  private async handle(plugin: string, route: RouteRef, v: Validators, ctx: Koa.Context, upload: UploadBody | undefined): Promise<void> {
    if (!this.deps.isEnabled(plugin)) throw notFound();
    ctx.state.html = route.html === true;
    let principal = await this.principal(ctx);
    if (!PROBES.has(ctx.path)) {
      const caller = principal;
      await this.deps.guard({ method: ctx.method, path: ctx.path, principal: caller, can: (permission) => this.deps.can(caller, permission, SYSTEM) });
    }
    if (!route.public && !principal) return this.signInFirst(ctx);

    const params: Record<string, unknown> = { ...ctx.params };
    const query: Record<string, unknown> = { ...ctx.query };
    const errors: FieldError[] = [...(v.params?.(params) ?? []), ...queryErrors(ctx.querystring), ...(v.query?.(query) ?? [])];
    const checkCsrf = principal?.csrfToken !== undefined && !SAFE_METHODS.has(ctx.method);
    const formPosted = typeIs.hasBody(ctx.req) && typeIs(ctx.req, ['application/x-www-form-urlencoded']) !== false;
    let body: unknown;
    let csrfField: unknown;
    if (route.body || (checkCsrf && formPosted && !route.rawBody)) {
      const parsed = await readBody(ctx, this.deps.bodyLimitBytes);
      body = parsed.value;
      if (parsed.form && body && typeof body === 'object') {
        csrfField = (body as Record<string, unknown>)._csrf;
        delete (body as Record<string, unknown>)._csrf;
      }
      if (route.body) errors.push(...((parsed.form ? v.form : v.json) as Validator)(body));
    } else if (route.rawBody && !typeIs(ctx.req, route.rawBody.types)) {
      throw unsupportedMediaType(`Send the body as ${route.rawBody.types.join(' or ')}.`);
    } else if (checkCsrf && upload && !ctx.get('x-csrf-token') && typeIs(ctx.req, ['multipart/form-data'])) {
      // A form sends its token as a field before the file: read up to the file to find it. A form too
      // broken to read carries no token to check, so it is refused like a request without one.
      csrfField = await upload.csrfField().catch((err: unknown) => {
        if (err instanceof HttpError && err.status < 500) return undefined;
        throw err;
      });
    }
    if (checkCsrf && !sameToken(ctx.get('x-csrf-token') || csrfField, (principal as Principal).csrfToken as string)) {
      // A public route treats the caller as anonymous; anything else is refused.
      if (!route.public) throw forbidden('This request needs the CSRF token of your session (X-CSRF-Token header or _csrf field).');
      principal = null;
      ctx.state.principal = null;
    }
    if (errors.length) throw badRequest(`${errors.length} invalid field${errors.length > 1 ? 's' : ''}: ${errors.map((e) => e.path).join(', ')}`, errors);

    if (route.permission) {
      const where = route.context ? route.context({ params, query }) : SYSTEM;
      if (!(await this.deps.can(principal, route.permission, where))) throw forbidden();
    }
    const req = this.deps.request(plugin, {
      params, query, body, principal, requestId: String(ctx.state.requestId), koa: ctx, layout: this.deps.layout, upload,
    });
    const result = await route.handler(req).catch((err: unknown) => { v.check?.failure(err); throw err; });
    this.write(ctx, result);
    v.check?.answer({ status: ctx.status, type: ctx.response.type, body: ctx.body });
  }

  /** An anonymous browser asking for a page is sent to sign in (and back after); anything else is a 401. */
  private signInFirst(ctx: Koa.Context): void {
    const signInPath = ctx.method === 'GET' && this.wantsHtml(ctx) ? this.deps.identities().find((p) => p.signInPath)?.signInPath : undefined;
    if (!signInPath) throw unauthorized();
    ctx.redirect(`${signInPath}?next=${encodeURIComponent(ctx.originalUrl)}`);
  }

  private async principal(ctx: Koa.Context): Promise<Principal | null> {
    if (ctx.state.principal !== undefined) return ctx.state.principal as Principal | null;
    let found: Principal | null = null;
    for (const provider of this.deps.identities()) {
      found = await provider.resolve({
        method: ctx.method, path: ctx.path, headers: ctx.headers, ip: ctx.ip,
        cookie: (name) => ctx.cookies.get(name),
      });
      if (found) break;
    }
    ctx.state.principal = found;
    return found;
  }

  private write(ctx: Koa.Context, result: unknown): void {
    if (result instanceof Reply) {
      ctx.status = result.status;
      for (const [k, value] of Object.entries(result.headers)) ctx.set(k, value);
      if (result.body !== undefined) ctx.body = result.body;
      if (result.type) ctx.type = result.type;
      return;
    }
    if (result === undefined) {
      ctx.status = 204;
      return;
    }
    ctx.status = 200;
    ctx.body = result;
  }
}
