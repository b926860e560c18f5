// The context object handed to a plugin's start/stop, job handlers, event subscribers and routes:
// its database, logger, settings, services, and the after-commit rules for events and jobs.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Static, TSchema } from '@sinclair/typebox';
import type {
  AuditEntry, ContextRef, EnqueueOptions, EventRef, ExtensionPointRef, JobInfo, JobRef, PermissionRef,
  PluginContext, Principal, ServiceRef, TransactionContext,
} from './plugin';
import { withTransaction } from './sync';

/** What a context needs from the running app. */
export interface Kernel {
  readonly db: Knex;
  readonly publicUrl: string;
  now(): Date;
  resolve<T>(plugin: string, service: ServiceRef<T>): T;
  settingsFor(plugin: string, schema: TSchema): Promise<Record<string, unknown>>;
  can(principal: Principal | null, permission: PermissionRef, context?: ContextRef): Promise<boolean>;
  emit<P>(event: EventRef<P>, payload: P): Promise<void>;
  enqueue(job: JobRef, payload: unknown, opts?: EnqueueOptions): Promise<JobInfo>;
  checkPayload(job: JobRef, payload: unknown): void;
  writeAudit(entries: readonly AuditEntry[], db: Knex): Promise<void>;
  extensions(point: ExtensionPointRef<unknown>): readonly unknown[];
  render(view: string, data: Record<string, unknown>, opts?: { layout?: string | false }): Promise<string>;
}

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
  now(): Date { return this.kernel.now(); }
  resolve<T>(service: ServiceRef<T>): T { return this.kernel.resolve(this.plugin, service); }
  async settings<S extends TSchema>(schema: S): Promise<Static<S>> {
    return (await this.kernel.settingsFor(this.plugin, schema)) as Static<S>;
  }
  can(principal: Principal | null, permission: PermissionRef, context?: ContextRef): Promise<boolean> {
    return this.kernel.can(principal, permission, context);
  }
  emit<P>(event: EventRef<P>, payload: P): Promise<void> { return this.kernel.emit(event, payload); }
  enqueue<S extends TSchema>(job: JobRef<S>, payload: Static<S>, opts?: EnqueueOptions): Promise<JobInfo> {
    return this.kernel.enqueue(job as unknown as JobRef, payload, { createdBy: this.auditDefaults.actorId ?? null, ...opts });
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

  /** Runs `fn` in one transaction; its events and jobs go out only after the commit. */
  async transaction<T>(fn: (tx: TransactionContext) => Promise<T>): Promise<T> {
    const events: [EventRef<unknown>, unknown][] = [];
    const jobs: [JobRef, unknown, EnqueueOptions | undefined][] = [];
    const result = await withTransaction(this.kernel.db, (trx) => fn({
      db: trx,
      emit: (event, payload) => { events.push([event as EventRef<unknown>, payload]); },
      enqueue: (job, payload, opts) => {
        this.kernel.checkPayload(job as unknown as JobRef, payload);
        jobs.push([job as unknown as JobRef, payload, opts]);
      },
      audit: (entry) => this.audit(entry, trx),
      resolve: (service) => this.resolve(service),
    }));
    for (const [job, payload, opts] of jobs) await this.enqueue(job, payload, opts);
    for (const [event, payload] of events) await this.emit(event, payload);
    return result;
  }
}
