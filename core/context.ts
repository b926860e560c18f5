// The context object handed to a plugin's start/stop, job handlers, event subscribers and routes:
// its database, logger, settings, services, and the transaction rules for events and jobs: jobs and
// durable deliveries are written with the change; in-process subscribers run after the commit.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Static, TSchema } from '@sinclair/typebox';
import type {
  AuditEntry, ContextRef, EnqueueOptions, EventRef, ExtensionPointRef, JobInfo, JobRef, PermissionRef,
  PageHelpLink, PluginContext, Principal, ServiceRef, TransactionContext,
} from './plugin';
import { withTransaction } from './sync';

/** What a context needs from the running app. */
export interface Kernel {
  readonly db: Knex;
  readonly readDb: Knex;
  readonly publicUrl: string;
  now(): Date;
  resolve<T>(plugin: string, service: ServiceRef<T>): T;
  settingsFor(plugin: string, schema: TSchema): Promise<Record<string, unknown>>;
  can(principal: Principal | null, permission: PermissionRef, context?: ContextRef): Promise<boolean>;
  /** Writes jobs through `db` (the caller's transaction, or the database itself). */
  enqueue(jobs: readonly { ref: JobRef; payload: unknown; opts?: EnqueueOptions }[], db: Knex): Promise<JobInfo[]>;
  /** Writes the durable subscribers' deliveries of these events through `db`. */
  recordDeliveries(events: readonly Emitted[], db: Knex): Promise<void>;
  /** Runs the in-process subscribers of an event that has happened (committed). */
  notify(event: EventRef<unknown>, payload: unknown): Promise<void>;
  writeAudit(entries: readonly AuditEntry[], db: Knex): Promise<void>;
  extensions(point: ExtensionPointRef<unknown>): readonly unknown[];
  render(view: string, data: Record<string, unknown>, opts?: { layout?: string | false }): Promise<string>;
  /** The enabled plugins' help links for a page served by the route pattern `route` (core pageHelp). */
  pageHelp(route: string, viewer: Principal | null): Promise<PageHelpLink[]>;
}

export type Emitted = readonly [EventRef<unknown>, unknown];

export class PluginRuntime implements PluginContext {
  constructor(
    protected readonly kernel: Kernel,
    readonly plugin: string,
    protected readonly logger: Logger,
    /** Filled into audit entries written through this context (the request's actor and address). */
    private readonly auditDefaults: Pick<AuditEntry, 'actorId' | 'ip'> = {},
  ) {}

  get log(): Logger { return this.logger; }

  get db(): Knex { return this.kernel.db; }
  get readDb(): Knex { return this.kernel.readDb; }
  now(): Date { return this.kernel.now(); }
  resolve<T>(service: ServiceRef<T>): T { return this.kernel.resolve(this.plugin, service); }
  async settings<S extends TSchema>(schema: S): Promise<Static<S>> {
    return (await this.kernel.settingsFor(this.plugin, schema)) as Static<S>;
  }
  can(principal: Principal | null, permission: PermissionRef, context?: ContextRef): Promise<boolean> {
    return this.kernel.can(principal, permission, context);
  }
  /** Outside a transaction: the deliveries are one insert of their own, then in-process subscribers run. */
  async emit<P>(event: EventRef<P>, payload: P): Promise<void> {
    await this.kernel.recordDeliveries([[event as EventRef<unknown>, payload]], this.kernel.db);
    await this.kernel.notify(event as EventRef<unknown>, payload);
  }
  async enqueue<S extends TSchema>(job: JobRef<S>, payload: Static<S>, opts?: EnqueueOptions, db: Knex = this.kernel.db): Promise<JobInfo> {
    const [info] = await this.kernel.enqueue([{ ref: job as unknown as JobRef, payload, opts: { createdBy: this.auditDefaults.actorId ?? null, ...opts } }], db);
    return info;
  }
  audit(entry: AuditEntry | readonly AuditEntry[], db: Knex = this.kernel.db): Promise<void> {
    const entries = Array.isArray(entry) ? entry : [entry as AuditEntry];
    return this.kernel.writeAudit(entries.map((e) => ({ ...this.auditDefaults, ...e })), db);
  }
  extensions<T>(point: ExtensionPointRef<T>): readonly T[] {
    return this.kernel.extensions(point as ExtensionPointRef<unknown>) as readonly T[];
  }
  /** Renders a view on its own, without the page layout (fragments, emails). */
  render(view: string, data: Record<string, unknown> = {}): Promise<string> { return this.kernel.render(view, data, { layout: false }); }

  url(path: string): string { return new URL(path, this.kernel.publicUrl).toString(); }

  /**
   * Runs `fn` in one transaction. Its jobs and its events' durable deliveries are written in it (the
   * deliveries in one insert when `fn` returns); in-process subscribers run after the commit.
   */
  async transaction<T>(fn: (tx: TransactionContext) => Promise<T>): Promise<T> {
    const events: Emitted[] = [];
    const result = await withTransaction(this.kernel.db, async (trx) => {
      const out = await fn({
        db: trx,
        emit: (event, payload) => { events.push([event as EventRef<unknown>, payload]); },
        enqueue: (job, payload, opts) => this.enqueue(job, payload, opts, trx),
        audit: (entry) => this.audit(entry, trx),
        resolve: (service) => this.resolve(service),
      });
      await this.kernel.recordDeliveries(events, trx);
      return out;
    });
    for (const [event, payload] of events) await this.kernel.notify(event, payload);
    return result;
  }
}
