// One request's view of its plugin: the plugin context plus validated input, the caller, and
// permission helpers. Audit records and jobs written through it carry the caller and address. The
// Koa context stays private: plugins get cookies, headers and the raw body (whole, or streamed as an
// upload) through RouteRequest.
import type Koa from 'koa';
import type { Logger } from 'pino';
import { PluginRuntime, type Kernel } from '../context';
import { SYSTEM, type ContextRef, type PermissionRef, type Principal } from '../plugin';
import { forbidden } from './errors';
import { reply, type Reply, type RouteRequest } from './route';
import { cookiesOf, type Cookies } from './cookies';
import { readRawBody, type RawBody, type RawBodyLimits } from './raw-body';
import type { Upload, UploadBody } from './upload';

export interface RequestInit {
  params: unknown; query: unknown; body: unknown;
  principal: Principal | null; requestId: string; koa: Koa.Context;
  layout: (principal: Principal | null) => Promise<Record<string, unknown>>;
  /** The body as an upload, on `rawBody` routes. */
  upload?: UploadBody;
}

export class RequestRuntime extends PluginRuntime implements RouteRequest {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
  readonly principal: Principal | null;
  readonly requestId: string;
  readonly ip: string;
  readonly cookies: Cookies;
  private readonly koa: Koa.Context;
  private readonly layout: RequestInit['layout'];
  private readonly uploadBody: UploadBody | undefined;

  private requestLog: Logger | undefined;

  constructor(kernel: Kernel, plugin: string, baseLog: Logger, init: RequestInit) {
    super(kernel, plugin, baseLog, { actorId: init.principal?.id ?? null, ip: init.koa.ip });
    this.params = init.params;
    this.query = init.query;
    this.body = init.body;
    this.principal = init.principal;
    this.requestId = init.requestId;
    this.ip = init.koa.ip;
    this.koa = init.koa;
    this.cookies = cookiesOf(init.koa);
    this.layout = init.layout;
    this.uploadBody = init.upload;
  }

  /** Made on first use: most requests never log. */
  override get log(): Logger {
    this.requestLog ??= this.logger.child({ plugin: this.plugin, reqId: this.requestId });
    return this.requestLog;
  }

  header(name: string): string | undefined {
    return this.koa.get(name) || undefined;
  }

  async rawBody(limits: RawBodyLimits): Promise<RawBody> {
    const charset = this.koa.request.charset;
    return { bytes: await readRawBody(this.koa.req, limits), charset: charset ? charset.toLowerCase() : undefined };
  }

  async upload(limits: RawBodyLimits): Promise<Upload> {
    if (!this.uploadBody) throw new Error('req.upload() is for routes that declare rawBody');
    return this.uploadBody.open(limits);
  }

  /** The caller's check (`can(permission, context?)`), or any principal's, as on every plugin context. */
  override can(permission: PermissionRef, context?: ContextRef): Promise<boolean>;
  override can(principal: Principal | null, permission: PermissionRef, context?: ContextRef): Promise<boolean>;
  override can(first: PermissionRef | Principal | null, second?: PermissionRef | ContextRef, third?: ContextRef): Promise<boolean> {
    if (first && 'kind' in first && first.kind === 'permission') return this.kernel.can(this.principal, first, (second as ContextRef | undefined) ?? SYSTEM);
    return super.can(first as Principal | null, second as PermissionRef, third);
  }

  async authorize(permission: PermissionRef, context: ContextRef = SYSTEM): Promise<void> {
    if (!(await this.can(permission, context))) throw forbidden();
  }

  private layoutData: Promise<Record<string, unknown>> | undefined;

  /** The layout's data (navigation, the signed-in user, the locale), computed once per request. */
  private pageLayout(): Promise<Record<string, unknown>> {
    this.layoutData ??= this.layout(this.principal);
    return this.layoutData;
  }

  async locale(): Promise<string> {
    return String((await this.pageLayout()).locale);
  }

  async page(view: string, data: Record<string, unknown> = {}, status = 200): Promise<Reply> {
    // The route pattern that served the page (koa-router's), so help can be about a page, not one URL.
    const route = (this.koa as Koa.Context & { _matchedRoute?: string | RegExp })._matchedRoute;
    const [layout, pageHelp] = await Promise.all([this.pageLayout(), typeof route === 'string' ? this.kernel.pageHelp(route, this.principal) : []]);
    const html = await this.kernel.render(view, { ...layout, currentPath: this.koa.path, pageHelp, ...data });
    return reply.html(html, status);
  }
}
