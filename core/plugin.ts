// The typed references plugins exchange (permissions, events, jobs, services, extension points) and
// the contexts their callbacks receive; the manifest that lists them is in manifest.ts. Everything here is plain data plus identity;
// the lifecycle gives it behaviour.
import type { Static, TSchema } from '@sinclair/typebox';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { SignedInRequest } from './http/route';

export type ContextType = 'system' | 'category' | 'course';
/** Where a permission applies: the whole system, a category (and all beneath it) or one course. */
export interface ContextRef { type: ContextType; id?: string }
export const SYSTEM: ContextRef = Object.freeze({ type: 'system' });

// ---- permissions ----------------------------------------------------------------------------

export interface PermissionDef {
  name: string;
  context: ContextType;
  description?: string;
  risks?: string[];
  /** Built-in role keys that get this permission when it is first registered. */
  defaults?: Partial<Record<string, 'allow'>>;
}
export interface PermissionRef extends Readonly<Required<Omit<PermissionDef, 'defaults'>>> {
  readonly kind: 'permission';
  readonly defaults: Readonly<Partial<Record<string, 'allow'>>>;
}

export function definePermissions<T extends Record<string, PermissionDef>>(defs: T): { readonly [K in keyof T]: PermissionRef } {
  const out: Record<string, PermissionRef> = {};
  for (const [key, def] of Object.entries(defs)) {
    out[key] = Object.freeze({
      kind: 'permission' as const, name: def.name, context: def.context,
      description: def.description ?? '', risks: def.risks ?? [], defaults: def.defaults ?? {},
    });
  }
  return Object.freeze(out) as { readonly [K in keyof T]: PermissionRef };
}

// ---- events ---------------------------------------------------------------------------------

export interface EventRef<P> { readonly kind: 'event'; readonly name: string; readonly __payload?: P }
export function defineEvent<P>(name: string): EventRef<P> {
  return Object.freeze({ kind: 'event' as const, name });
}
export interface SubscribeOptions {
  /**
   * Durable: a delivery is written in the emitter's transaction and run as a job of the subscribing
   * plugin — at least once, retried with backoff, held while the plugin is disabled, failures listed in
   * the jobs API. The handler must be safe to run twice. Otherwise the handler runs in the emitting
   * process after commit and may be lost (fine for dropping caches, not for anything that must happen).
   */
  durable?: boolean;
  /** Runs of a durable delivery before it fails for good (default 5). */
  attempts?: number;
  /** First retry delay of a durable delivery; doubles each retry (default 2000 ms). */
  backoffMs?: number;
}
export interface Subscription {
  readonly event: EventRef<unknown>;
  readonly handler: (payload: unknown, ctx: PluginContext) => void | Promise<void>;
  readonly durable?: { attempts: number; backoffMs: number };
}
/** Subscribe to an event: in-process after commit, or `{ durable: true }` through the job system. */
export function on<P>(
  event: EventRef<P>, handler: (payload: P, ctx: PluginContext) => void | Promise<void>, opts: SubscribeOptions = {},
): Subscription {
  return {
    event: event as EventRef<unknown>,
    handler: handler as Subscription['handler'],
    durable: opts.durable ? { attempts: opts.attempts ?? 5, backoffMs: opts.backoffMs ?? 2000 } : undefined,
  };
}

// ---- services and extension points ----------------------------------------------------------

/**
 * A service's identity is its name (`<plugin>.<service>`), a plain string, so a plugin built in another
 * package — with its own copy of `lectern` — resolves the same service.
 */
export interface ServiceRef<T> { readonly kind: 'service'; readonly name: string; readonly __type?: T }
export function defineService<T>(name: string): ServiceRef<T> {
  return Object.freeze({ kind: 'service' as const, name });
}

export interface ExtensionPointRef<T> { readonly kind: 'extension-point'; readonly name: string; readonly __type?: T }
export function defineExtensionPoint<T>(name: string): ExtensionPointRef<T> {
  return Object.freeze({ kind: 'extension-point' as const, name });
}
/**
 * A panel of the signed-in home page (`/`), contributed by a plugin (e.g. "My courses"): its view is
 * rendered without the layout from what `load` returns; `load` returns null to show nothing.
 */
export interface HomePanel {
  view: string;
  /** Lower first; panels of equal order keep the plugins' order. Default 100. */
  order?: number;
  /** The panel's data for this request; `ctx` is the contributing plugin's own (its services, settings). */
  load(req: SignedInRequest, ctx: PluginContext): Promise<Record<string, unknown> | null>;
}
/** The core's extension point for home page panels. */
export const homePanels = defineExtensionPoint<HomePanel>('core.homePanels');

/** A link to help about the page being shown ("Help for this page"). */
export interface PageHelpLink { title: string; path: string }
/**
 * Help about pages, contributed by a plugin (the support plugin's help center): given the route pattern
 * the page was served by (e.g. `/courses/:id`) and the viewer, the links to show. Every page asks it, so it
 * answers from memory, never with a query.
 */
export interface PageHelp {
  /** `ctx` is the contributing plugin's context. */
  links(route: string, viewer: Principal | null, ctx: PluginContext): Promise<PageHelpLink[]>;
}
/** The core's extension point for contextual help links, asked by the layout of every page. */
export const pageHelp = defineExtensionPoint<PageHelp>('core.pageHelp');

/**
 * The extension points the core itself declares. Every plugin may contribute to them, and each contribution
 * remembers its plugin, so it is left out while that plugin is disabled.
 */
export const coreExtensionPoints: readonly ExtensionPointRef<unknown>[] = [homePanels, pageHelp];

export interface Contribution { readonly point: ExtensionPointRef<unknown>; readonly value: unknown }
/** Contribute a value to another plugin's extension point. */
export function contribute<T>(point: ExtensionPointRef<T>, value: T): Contribution {
  return { point: point as ExtensionPointRef<unknown>, value };
}

// ---- jobs -----------------------------------------------------------------------------------

export interface JobContext extends PluginContext {
  readonly jobId: string;
  /** 1 on the first run, 2 on the first retry, … */
  readonly attempt: number;
  progress(percent: number): Promise<void>;
}
export interface JobDef<S extends TSchema, R> {
  /** `<plugin>.<job>`, unique across the system. */
  name: string;
  payload: S;
  handler: (payload: Static<S>, job: JobContext) => Promise<R>;
  /** Total runs before the job is failed for good (default 3). */
  attempts?: number;
  /** First retry delay; doubles each retry (default 1000 ms). */
  backoffMs?: number;
  /** A cron schedule; fires once per tick across every process. */
  schedule?: { cron: string; payload: Static<S> };
  /** The payload holds personal data only needed to run (an email's address and text): cleared once the job succeeds. */
  forgetPayload?: boolean;
}
export interface JobRef<S extends TSchema = TSchema, R = unknown> {
  readonly kind: 'job';
  readonly name: string;
  readonly payload: S;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly schedule?: { cron: string; payload: Static<S> };
  readonly forgetPayload?: boolean;
  handler(payload: Static<S>, job: JobContext): Promise<R>;
}
export function defineJob<S extends TSchema, R>(def: JobDef<S, R>): JobRef<S, R> {
  return Object.freeze({ kind: 'job' as const, attempts: 3, backoffMs: 1000, ...def });
}

// ---- the context every plugin callback receives ---------------------------------------------

export interface AuditEntry {
  action: string;
  target?: { type: string; id: string };
  details?: Record<string, unknown>;
  /** Filled from the request when written through a route. */
  actorId?: string | null;
  ip?: string | null;
}
export interface EnqueueOptions { delayMs?: number; createdBy?: string | null }
export interface JobInfo {
  id: string; name: string;
  state: 'waiting' | 'active' | 'completed' | 'failed' | 'delayed';
  progress: number; result?: unknown; error?: string;
  /** What the job was given; properties its payload schema marks `writeOnly` (secrets, links) are left out. */
  payload?: unknown;
  attempts: number; createdBy: string | null;
  createdAt: string; finishedAt?: string;
}

/**
 * Work done inside one database transaction. Jobs and durable event deliveries are written in it, so
 * they exist exactly when the change does; in-process subscribers run only after the commit.
 */
export interface TransactionContext {
  readonly db: Knex.Transaction;
  /** Durable subscribers' deliveries are written when `fn` returns, before the commit (one insert). */
  emit<P>(event: EventRef<P>, payload: P): void;
  /** Writes the job in this transaction; its id is valid (and the job runs) once the transaction commits. */
  enqueue<S extends TSchema>(job: JobRef<S>, payload: Static<S>, opts?: EnqueueOptions): Promise<JobInfo>;
  /** One record, or many in one insert (set-based changes). */
  audit(entry: AuditEntry | readonly AuditEntry[]): Promise<void>;
  /** A service, as PluginContext.resolve gives it (e.g. revisions, to record a change in this transaction). */
  resolve<T>(service: ServiceRef<T>): T;
}

export interface PluginContext {
  readonly plugin: string;
  readonly db: Knex;
  /**
   * For reads that may lag the primary by a moment (reports, dashboards): the read replica when
   * DATABASE_READ_URL is set, else the same database as `db`. Never write through it.
   */
  readonly readDb: Knex;
  readonly log: Logger;
  now(): Date;
  resolve<T>(service: ServiceRef<T>): T;
  settings<S extends TSchema>(schema: S): Promise<Static<S>>;
  can(principal: Principal | null, permission: PermissionRef, context?: ContextRef): Promise<boolean>;
  emit<P>(event: EventRef<P>, payload: P): Promise<void>;
  enqueue<S extends TSchema>(job: JobRef<S>, payload: Static<S>, opts?: EnqueueOptions): Promise<JobInfo>;
  /** One record, or many in one insert (set-based changes). */
  audit(entry: AuditEntry | readonly AuditEntry[]): Promise<void>;
  transaction<T>(fn: (tx: TransactionContext) => Promise<T>): Promise<T>;
  extensions<T>(point: ExtensionPointRef<T>): readonly T[];
  render(view: string, data?: Record<string, unknown>): Promise<string>;
  /** The absolute URL of a path on this site (config `publicUrl`), for links in emails. */
  url(path: string): string;
}

// ---- identity, privacy, admin pages, commands, the manifest --------------------------------

/** Who is calling. The core knows only the id; the auth plugin knows the rest. */
export interface Principal {
  id: string; email?: string; name?: string; via?: 'session' | 'token' | 'test';
  /** The language this person chose for pages (a locale such as "fr"); unset: the system's. */
  locale?: string;
  /**
   * Set for credentials a browser sends by itself (a session cookie): unsafe requests must present
   * this token as the X-CSRF-Token header or a `_csrf` form field, or they are refused with 403.
   */
  csrfToken?: string;
}
export interface IdentityRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  cookie(name: string): string | undefined;
  ip: string;
}
/** Resolves the principal of a request (cookie, bearer token…). Throws an HttpError to refuse it (e.g. CSRF). */
export interface IdentityProvider {
  resolve(req: IdentityRequest, ctx: PluginContext): Promise<Principal | null>;
  /** Where a person signs in with a browser (e.g. `/login`): an anonymous request for a page goes there, with `?next=`. */
  signInPath?: string;
  /** The cookie that carries a session, if any (named in the OpenAPI document). */
  sessionCookie?: string;
  /**
   * Tests only (`createTestApp` personas): makes a real account for the persona `name` and returns its
   * principal id, so code that looks users up finds one.
   */
  createTestUser?(name: string, ctx: PluginContext): Promise<string>;
}

/** Every plugin that stores personal data says how to export and erase it. */
export interface PrivacyProvider {
  /** Tables this provider covers (checked by the conventions test). */
  tables: string[];
  export(userId: string, ctx: PluginContext): Promise<Record<string, unknown>>;
  erase(userId: string, ctx: PluginContext): Promise<void>;
  /**
   * The kinds of personal data this plugin keeps for a time (sessions, audit records…): the privacy
   * plugin's daily retention job deletes, for each kind, what is older than its setting (days; 0 keeps it
   * for ever; `defaultDays` until an administrator sets it). `prune` deletes what predates `before` and
   * returns how many records went.
   */
  retention?: RetentionKind[];
}

/** One kind of personal data kept for a time (see PrivacyProvider.retention). */
export interface RetentionKind {
  /** Stable, `<plugin>.<kind>` (e.g. `auth.sessions`). */
  kind: string;
  /** What it is, for the retention page (e.g. `Ended sessions`). */
  label: string;
  /** Days kept until an administrator says otherwise; 0 keeps it for ever. */
  defaultDays: number;
  prune(before: Date, ctx: PluginContext): Promise<number>;
}

/** A link in the main navigation for signed-in users (admin pages get theirs from `admin`). */
export interface NavLink {
  title: string;
  /** A page of the site, e.g. `/courses`. */
  path: string;
  /** Shown only to those holding this permission (at system level); otherwise to every signed-in user. */
  permission?: PermissionRef;
}

/** What a request guard sees: the request before its route reads a body or checks its permission. */
export interface GuardRequest {
  method: string;
  path: string;
  principal: Principal | null;
  /** Whether the caller holds `permission` at the system context. */
  can(permission: PermissionRef): Promise<boolean>;
}

/**
 * Runs before every route (all but the core's /healthz and /readyz) while its plugin is enabled, and refuses
 * a request by throwing an HttpError: maintenance mode's 503, a policy that must be accepted first.
 */
export type RequestGuard = (req: GuardRequest, ctx: PluginContext) => Promise<void>;

/** A role a plugin's permissions expect (e.g. `learner`); created at start when missing, never deleted. */
export interface RoleDef { key: string; name: string; description?: string }

/** A `lectern <name…>` command contributed by a plugin, e.g. `user create`. */
export interface CommandDef {
  name: string;
  description: string;
  /** node:util parseArgs option specs. */
  options?: Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }>;
  /**
   * false: run with the database open but the app not started — migrations neither checked nor run, no
   * plugin started — for commands that build the database themselves (`lectern restore`). Default true.
   */
  start?: boolean;
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[] }, ctx: PluginContext): Promise<void>;
}

/**
 * What `lectern seed` (and `lectern demo`) asks every plugin's `seed` hook for: how many people, courses,
 * cohorts and categories the organization has, and the password of the few named demo accounts (null: none).
 */
export interface SeedPlan { users: number; courses: number; cohorts: number; categories: number; password: string | null }
/** What a plugin's seed hook made, by kind (e.g. `{ users: 100000, cohorts: 50 }`), for the command's summary. */
export type SeedCounts = Record<string, number>;

export interface Registrar {
  /** Bind a service into this plugin's container; the factory runs once, on first use. */
  bind<T>(service: ServiceRef<T>, factory: (ctx: PluginContext) => T): void;
}
