// The application: composes config, database, plugins, permissions, settings, jobs, views and HTTP,
// and runs the lifecycle load → validate → register → migrate → start → listen → stop (reverse),
// logging each phase's timing.
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createLogger } from './logger';
import type { TSchema } from '@sinclair/typebox';
import type { PGlite } from '@electric-sql/pglite';
import type { Knex } from 'knex';
import { loadConfig, type ConfigInput, type LecternConfig } from './config';
import { BootError } from './errors';
import { connectDatabase, type Database } from './db/connect';
import { loadMigrationDir, migrationStatus, pendingMigrations, runMigrations, type Migration, type MigrationStatus } from './db/migrations';
import { coreMigrations } from './db/core-schema';
import { CORE_VERSION, loadPlugins, orderPlugins, validateAll } from './lifecycle';
import { Containers } from './container';
import { PluginRuntime, type Emitted, type Kernel } from './context';
import { Revisions } from './sync';
import { PermissionEngine } from './permissions/engine';
import { SettingsStore } from './settings';
import { AuditLog } from './audit';
import { EventBus } from './events';
import { JobService } from './jobs/service';
import { InlineDriver } from './jobs/inline';
import { BullmqDriver } from './jobs/bullmq';
import type { QueueDriver } from './jobs/queue';
import { ViewEngine } from './views/engine';
import { CORE_SETTINGS, CoreSettings, checkCoreSettings, themeSettingValues, type CoreSettingsValues } from './core-settings';
import { serveAssets } from './views/assets';
import { HttpServer } from './http/server';
import { RequestRuntime } from './http/request';
import { defineRoute, type RouteRef } from './http/route';
import { openApiDocument } from './http/openapi';
import { conflict, notFound } from './http/errors';
import { corePermissions, systemRoutes, type BoundHomePanel, type PluginState } from './system-routes';
import { PrivacyRegistry, corePrivacy } from './privacy';
import { CoreServices } from './services';
import { Mailer, sendMail } from './mail';
import { LocalFileStore, removeTemporaryFiles } from './storage';
import { privateDir } from './data-dir';
import type {
  AuditEntry, CommandDef, ContextRef, EnqueueOptions, EventRef, ExtensionPointRef, GuardRequest, IdentityProvider, IdentityRequest, JobInfo, JobRef,
  PermissionRef, PluginContext, Principal, ServiceRef, HomePanel, PageHelp, PageHelpLink,
} from './plugin';
import { coreExtensionPoints, homePanels, pageHelp } from './plugin';
import type { Plugin } from './manifest';

export interface AppOptions {
  /** Values that win over lectern.config.json and the environment. */
  config?: ConfigInput;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Plugin objects or names; defaults to the configured list. */
  plugins?: (string | Plugin)[];
  /** Run pending migrations at start; otherwise pending migrations stop the boot. */
  migrate?: boolean;
  /** Run job workers in this process (default true). Schedules are kept either way. */
  workers?: boolean;
  logger?: Logger;
  /** Extra identity providers, consulted after the plugins' (tests use one). */
  identity?: IdentityProvider[];
  /** Test hooks: an open PGlite, a PostgreSQL schema, or another app's database to share. */
  database?: { pglite?: PGlite; schema?: string; shared?: Database };
  clock?: () => Date;
  ephemeralSecret?: boolean;
  /** Answer 500 when an API route answers anything its declaration does not list (tests: response-check.ts). */
  checkResponses?: boolean;
}

/** An identity provider with its plugin's context already supplied. */
type BoundIdentity = { resolve(req: IdentityRequest): Promise<Principal | null>; signInPath?: string; createTestUser?: (name: string) => Promise<string> };
const bind = (provider: IdentityProvider, ctx: PluginContext): BoundIdentity => ({
  resolve: (req) => provider.resolve(req, ctx),
  signInPath: provider.signInPath,
  createTestUser: provider.createTestUser && ((name) => (provider.createTestUser as NonNullable<IdentityProvider['createTestUser']>)(name, ctx)),
});

export interface PhaseTiming { phase: string; ms: number }

export class App implements Kernel {
  readonly config: LecternConfig;
  readonly log: Logger;
  readonly plugins: Plugin[];
  readonly phases: PhaseTiming[] = [];
  readonly permissions: PermissionEngine;
  readonly settings: SettingsStore;
  readonly audit: AuditLog;
  readonly jobs: JobService;
  readonly views: ViewEngine;
  readonly http: HttpServer;
  readonly privacy = new PrivacyRegistry();
  readonly mailer: Mailer;
  readonly commands = new Map<string, { plugin: string; command: CommandDef }>();
  private readonly byName: Map<string, Plugin>;
  /** The plugins with request guards, in plugin order. */
  private readonly guarded: Plugin[];
  private readonly containers = new Containers();
  private readonly revisions: Revisions;
  private readonly events: EventBus;
  private readonly contexts = new Map<string, PluginRuntime>();
  private readonly extensionValues = new Map<string, unknown[]>();
  /** Contributions to the core's own extension points, by point, each with the plugin that made it. */
  private readonly coreContributions = new Map<string, { plugin: string; value: unknown }[]>(coreExtensionPoints.map((point) => [point.name, []]));
  private readonly migrations: Migration[];
  private enabled = new Map<string, boolean>();
  private identityList: BoundIdentity[] | undefined;
  private server: http.Server | undefined;
  private draining = false;
  private started = false;

  private constructor(readonly database: Database, private readonly opts: AppOptions, config: LecternConfig, log: Logger, plugins: Plugin[]) {
    this.config = config;
    this.log = log;
    this.plugins = plugins;
    this.byName = new Map(plugins.map((p) => [p.name, p]));
    this.guarded = plugins.filter((p) => p.guards?.length);
    const db = database.knex;
    this.revisions = new Revisions(db, config.syncIntervalMs, log, database);
    this.settings = new SettingsStore(db, this.revisions);
    this.permissions = new PermissionEngine(db, this.revisions,
      async () => ((await this.settings.current(CORE_SETTINGS)) as CoreSettingsValues).defaultRole ?? null);
    this.audit = new AuditLog(db);
    this.events = new EventBus(log, (p) => this.contextOf(p), (p) => this.isEnabled(p));
    this.jobs = new JobService(this.createDriver(), (p) => this.contextOf(p));
    this.views = new ViewEngine({ themesDir: path.join(__dirname, '..', '..', 'themes'), theme: config.theme, log });
    this.http = new HttpServer({
      log, bodyLimitBytes: config.bodyLimitBytes, trustProxy: config.trustProxy,
      identities: () => this.identities(),
      isEnabled: (p) => this.isEnabled(p),
      guard: (req) => this.guard(req),
      can: (principal, perm, ctx) => this.can(principal, perm, ctx),
      request: (plugin, init) => new RequestRuntime(this, plugin, this.log, init),
      layout: (principal) => this.layout(principal),
      renderError: (problem, layout) => this.views.render('core/error', { ...layout, ...problem, title: problem.title }),
      checkResponses: opts.checkResponses,
    }, [serveAssets(this.views, () => this.settings.current(CORE_SETTINGS) as Promise<CoreSettingsValues>)]);
    this.mailer = new Mailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir });
    this.migrations = migrationsOf(plugins);
  }

  /** load → validate → register: everything that needs no I/O beyond opening the database. */
  static async create(opts: AppOptions = {}): Promise<App> {
    const config = loadConfig({ env: opts.env, cwd: opts.cwd, overrides: opts.config, ephemeralSecret: opts.ephemeralSecret });
    const log = opts.logger ?? createLogger(config.logLevel, config.logFormat);
    const timings: PhaseTiming[] = [];
    const timed = <T>(phase: string, fn: () => T): T => {
      const t0 = performance.now();
      const out = fn();
      timings.push({ phase, ms: Math.round(performance.now() - t0) });
      return out;
    };
    const loaded = timed('load', () => loadPlugins(opts.plugins ?? config.plugins, opts.cwd));
    const plugins = timed('validate', () => {
      const ordered = orderPlugins(loaded);
      validateAll(ordered, Object.values(corePermissions));
      return ordered;
    });
    const database = opts.database?.shared ?? await connectDatabase({
      databaseUrl: config.databaseUrl, databaseReadUrl: config.databaseReadUrl, dataDir: config.dataDir, schema: opts.database?.schema, pglite: opts.database?.pglite, log,
    });
    let app: App;
    try {
      app = new App(database, opts, config, log, plugins);
      timed('register', () => app.register());
    } catch (err) {
      if (!opts.database?.shared) await database.close();
      throw err;
    }
    app.phases.push(...timings);
    for (const t of timings) log.info({ phase: t.phase, ms: t.ms }, `phase ${t.phase}`);
    return app;
  }

  /** BullMQ when there is Redis; otherwise the in-process driver keeps jobs in the app's database. */
  private createDriver(): QueueDriver {
    const { jobs, redisUrl } = this.config;
    return redisUrl
      ? new BullmqDriver({
        redisUrl, db: this.database.knex, prefix: jobs.prefix, log: this.log, lockMs: jobs.lockMs, stalledIntervalMs: jobs.stalledIntervalMs,
        concurrency: jobs.concurrency, relayMs: jobs.relayMs, scheduleCheckMs: jobs.scheduleCheckMs,
      })
      : new InlineDriver({ db: this.database.knex, log: this.log, pollMs: jobs.pollMs, lockMs: jobs.lockMs, concurrency: jobs.concurrency });
  }

  /** Where jobs are kept: "redis", or the app's own database ("postgres" or "pglite"). */
  queueStore(): string {
    return this.config.redisUrl ? 'redis' : this.database.driver;
  }

  private register(): void {
    this.permissions.register('core', Object.values(corePermissions));
    const themeCheck = checkCoreSettings(this.views);
    this.settings.register(CORE_SETTINGS, CoreSettings, async (values, patch, db) => {
      const errors = themeCheck(values, patch);
      const role = (values as Partial<CoreSettingsValues>).defaultRole;
      // The built-in default may name a role no installed plugin declares (it then grants nothing): other settings stay editable.
      if (!role || role === CoreSettings.properties.defaultRole.default) return errors;
      const exists = (await this.permissions.listRoles(db)).some((r) => r.key === role);
      return exists ? errors : [...errors, { path: 'body.defaultRole', message: `role "${role}" does not exist` }];
    });
    this.privacy.add('core', corePrivacy);
    for (const p of this.plugins) {
      this.permissions.register(p.name, Object.values(p.permissions ?? {}));
      this.permissions.registerRoles(p.roles ?? []);
    }
    this.containers.provide(CoreServices.permissions, this.permissions);
    this.containers.provide(CoreServices.settings, this.settings);
    this.containers.provide(CoreServices.audit, this.audit);
    this.containers.provide(CoreServices.jobs, this.jobs);
    this.containers.provide(CoreServices.privacy, this.privacy);
    this.containers.provide(CoreServices.views, this.views);
    this.containers.provide(CoreServices.mail, this.mailer);
    this.containers.provide(CoreServices.revisions, this.revisions);
    this.containers.provide(CoreServices.system, this.systemApi());
    this.containers.providePerPlugin(CoreServices.storage, (plugin) => new LocalFileStore(path.join(this.config.filesDir, plugin)));
    this.jobs.register('core', sendMail as unknown as JobRef);
    for (const route of systemRoutes(this.systemApi())) this.http.mount('core', route);
    for (const p of this.plugins) {
      this.containers.create(p, this.contextOf(p.name), this.byName);
      if (p.settings) this.settings.register(p.name, p.settings);
      if (p.views) this.views.addPluginViews(p.name, p.views);
      if (p.lang) this.views.addPluginStrings(p.name, p.lang);
      if (p.assets) this.views.addPluginAssets(p.name, p.assets);
      if (p.privacy) this.privacy.add(p.name, p.privacy);
      for (const ep of p.extensionPoints ?? []) this.extensionValues.set(ep.name, []);
      for (const c of p.contributes ?? []) {
        const core = this.coreContributions.get(c.point.name);
        if (core) core.push({ plugin: p.name, value: c.value });
        else this.extensionValues.get(c.point.name)?.push(c.value);
      }
      for (const job of p.jobs ?? []) this.jobs.register(p.name, job);
      for (const sub of p.subscribe ?? []) {
        const delivery = this.events.subscribe(p.name, sub);
        if (delivery) this.jobs.register(p.name, delivery);
      }
      for (const command of p.commands ?? []) this.commands.set(command.name, { plugin: p.name, command });
      // Admin pages first: /admin/users/import must win over a plugin's /admin/users/:id.
      for (const route of [...this.adminRoutes(p), ...(p.routes ?? [])]) this.http.mount(p.name, route);
    }
    for (const values of this.extensionValues.values()) Object.freeze(values);
    this.http.finish();
  }

  private adminRoutes(p: Plugin): RouteRef[] {
    return (p.admin ?? []).map((page) => defineRoute({
      method: 'GET', path: page.path, permission: page.permission, html: true, summary: page.title, query: page.query,
      handler: async (req) => req.page(page.view, {
        title: page.title, ...(await page.load?.(req, req.principal as Principal, { query: req.query as Record<string, unknown> })),
      }),
    }));
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  async migrationStatus(): Promise<MigrationStatus[]> {
    return migrationStatus(this.database.knex, this.migrations);
  }

  /** Runs pending migrations; a run that applied any is an audit record (`maintenance.migrate`) in the same transaction. */
  async migrate(): Promise<string[]> {
    const ran = await runMigrations(this.database.knex, this.migrations,
      (trx, ids) => this.audit.write([{ action: 'maintenance.migrate', details: { migrations: ids } }], trx));
    for (const id of ran) this.log.info({ migration: id }, 'migrated');
    return ran;
  }

  /** migrate → start: plugin rows, permissions, plugin start hooks, job schedules and workers. */
  async start(): Promise<void> {
    await this.phase('migrate', async () => {
      if (this.opts.migrate) return void await this.migrate();
      const pending = await pendingMigrations(this.database.knex, this.migrations);
      if (pending.length) {
        throw new BootError('LECTERN_MIGRATIONS_PENDING', `${pending.length} migration(s) have not run (${pending.slice(0, 5).join(', ')}). Run \`lectern migrate\`, or start with --migrate.`);
      }
    });
    await this.phase('start', async () => {
      privateDir(this.config.filesDir);
      await this.syncPluginRows();
      this.revisions.on('plugins', () => this.loadPluginStates());
      await this.loadPluginStates();
      await this.permissions.syncRegistry();
      await this.revisions.start();
      for (const p of this.plugins) await p.start?.(this.contextOf(p.name));
      this.started = true;
      await this.jobs.start(this.opts.workers !== false);
      for (const warning of await this.jobs.driver.warnings()) this.log.warn(warning);
    });
    this.log.info({ db: this.database.driver, queue: this.jobs.driver.name, queueStore: this.queueStore(), plugins: this.plugins.map((p) => p.name) },
      `started: database ${this.database.driver}, queue ${this.jobs.driver.name} on ${this.queueStore()}`);
  }

  async listen(port = this.config.port, host = this.config.host): Promise<AddressInfo> {
    return this.phase('listen', () => new Promise<AddressInfo>((resolve, reject) => {
      const handle = this.http.callback();
      // While draining, a request that comes on a kept-alive connection is answered and the connection closed.
      const server = http.createServer((req, res) => {
        if (this.draining) res.setHeader('Connection', 'close');
        void handle(req, res);
      });
      server.once('error', reject);
      server.listen(port, host, () => {
        this.server = server;
        const address = server.address() as AddressInfo;
        this.log.info({ port: address.port, host }, `listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`);
        resolve(address);
      });
    }));
  }

  /** Stops in reverse: HTTP drained, workers closed, plugins stopped, database closed. */
  async stop(): Promise<void> {
    await this.phase('stop', async () => {
      if (this.server) await this.drain(this.server);
      await this.http.settled(this.config.shutdownTimeoutMs);
      await this.jobs.driver.close();
      this.mailer.close();
      await this.revisions.stop();
      if (this.started) {
        for (const p of [...this.plugins].reverse()) {
          try {
            await p.stop?.(this.contextOf(p.name));
          } catch (err) {
            this.log.error({ err, plugin: p.name }, 'plugin stop failed');
          }
        }
      }
      this.started = false;
      if (!this.opts.database?.shared) await this.database.close();
    });
  }

  /**
   * Stops accepting connections at once and lets requests in flight finish: each connection is closed as
   * soon as it is idle; after shutdownTimeoutMs the ones still busy are cut.
   */
  private async drain(server: http.Server): Promise<void> {
    this.server = undefined;
    this.draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      this.log.warn({ timeoutMs: this.config.shutdownTimeoutMs }, 'requests still running at the shutdown timeout; closing their connections');
      server.closeAllConnections();
    }, this.config.shutdownTimeoutMs);
    try {
      await closed;
    } finally {
      clearInterval(sweep);
      clearTimeout(deadline);
    }
  }

  private async phase<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const out = await fn();
    const ms = Math.round(performance.now() - t0);
    this.phases.push({ phase, ms });
    this.log.info({ phase, ms }, `phase ${phase}`);
    return out;
  }

  // ---- plugin states --------------------------------------------------------------------------

  isEnabled(plugin: string): boolean {
    return plugin === 'core' || this.enabled.get(plugin) === true;
  }

  private async syncPluginRows(): Promise<void> {
    for (const p of this.plugins) {
      await this.database.knex('core_plugins').insert({ name: p.name, version: p.version, enabled: true })
        .onConflict('name').merge(['version']);
    }
  }

  private async loadPluginStates(): Promise<void> {
    const rows: { name: string; enabled: boolean }[] = await this.database.knex('core_plugins').select('name', 'enabled');
    const next = new Map(rows.filter((r) => this.byName.has(r.name)).map((r) => [r.name, r.enabled]));
    for (const [name, enabled] of next) {
      if (this.enabled.get(name) !== enabled) await this.jobs.driver.setPaused(name, !enabled);
    }
    this.enabled = next;
    this.identityList = undefined;
  }

  pluginStates(): PluginState[] {
    return this.plugins.map((p) => ({ name: p.name, version: p.version, description: p.description ?? '', enabled: this.isEnabled(p.name) }));
  }

  async setEnabled(name: string, enabled: boolean, actor: { actorId?: string | null; ip?: string | null } = {}): Promise<PluginState> {
    const plugin = this.byName.get(name);
    if (!plugin) throw new BootError('LECTERN_PLUGIN_NOT_FOUND', `plugin "${name}" is not loaded`);
    await this.contextOf('core').transaction(async (tx) => {
      // Decided on the stored states, under a lock, so two instances cannot each allow half of a conflict.
      await tx.db.raw('select pg_advisory_xact_lock(hashtext(?))', ['lectern:plugins']);
      const stored = new Map((await tx.db('core_plugins').select('name', 'enabled') as { name: string; enabled: boolean }[]).map((r) => [r.name, r.enabled]));
      const isOn = (p: string) => stored.get(p) !== false && this.byName.has(p);
      const blocking = enabled
        ? (plugin.dependsOn ?? []).filter((dep) => !isOn(dep))
        : this.plugins.filter((p) => p.name !== name && isOn(p.name) && (p.dependsOn ?? []).includes(name)).map((p) => p.name);
      if (blocking.length) {
        const list = blocking.map((p) => `"${p}"`).join(', ');
        throw conflict(enabled
          ? `plugin "${name}" depends on ${list}, which ${blocking.length > 1 ? 'are' : 'is'} disabled; enable ${blocking.length > 1 ? 'them' : 'it'} first`
          : `${list} ${blocking.length > 1 ? 'depend' : 'depends'} on plugin "${name}"; disable ${blocking.length > 1 ? 'them' : 'it'} first`);
      }
      await tx.db('core_plugins').insert({ name, version: plugin.version, enabled })
        .onConflict('name').merge({ enabled, updated_at: tx.db.fn.now() });
      await tx.audit({ action: enabled ? 'plugins.enable' : 'plugins.disable', target: { type: 'plugin', id: name }, ...actor });
      await this.revisions.bump('plugins', tx.db);
    });
    return this.pluginStates().find((p) => p.name === name) as PluginState;
  }

  // ---- the kernel that contexts use ------------------------------------------------------------

  get db() { return this.database.knex; }
  get readDb() { return this.database.readKnex; }
  get publicUrl() { return this.config.publicUrl; }
  now(): Date { return this.opts.clock?.() ?? new Date(); }
  resolve<T>(plugin: string, service: ServiceRef<T>): T { return this.containers.resolve(plugin, service); }

  async settingsFor(plugin: string, schema: TSchema): Promise<Record<string, unknown>> {
    if (this.byName.get(plugin)?.settings !== schema) throw new Error(`plugin "${plugin}" asked for settings with a schema that is not its own`);
    return this.settings.get(plugin);
  }

  can(principal: Principal | null, permission: PermissionRef, context?: ContextRef): Promise<boolean> {
    return this.permissions.can(principal?.id, permission, context);
  }

  private async guard(req: GuardRequest): Promise<void> {
    for (const p of this.guarded) if (this.isEnabled(p.name)) for (const check of p.guards ?? []) await check(req, this.contextOf(p.name));
  }

  enqueue(jobs: readonly { ref: JobRef; payload: unknown; opts?: EnqueueOptions }[], db: Knex): Promise<JobInfo[]> {
    return this.jobs.enqueue(jobs, db);
  }
  async recordDeliveries(events: readonly Emitted[], db: Knex): Promise<void> {
    await this.jobs.enqueue(this.events.deliveries(events), db);
  }
  notify(event: EventRef<unknown>, payload: unknown): Promise<void> { return this.events.notify(event, payload); }
  writeAudit(entries: readonly AuditEntry[], db = this.database.knex): Promise<void> { return this.audit.write(entries, db); }
  extensions(point: ExtensionPointRef<unknown>): readonly unknown[] { return this.extensionValues.get(point.name) ?? []; }
  /** What the enabled plugins contribute to one of the core's extension points, in plugin order. */
  private coreValues<T>(point: ExtensionPointRef<T>): { plugin: string; value: T }[] {
    return (this.coreContributions.get(point.name) ?? []).filter((c) => this.isEnabled(c.plugin)) as { plugin: string; value: T }[];
  }
  /** The enabled plugins' help links for a page served by the route pattern `route`. */
  async pageHelp(route: string, viewer: Principal | null): Promise<PageHelpLink[]> {
    const answers = await Promise.all(this.coreValues<PageHelp>(pageHelp).map((c) => c.value.links(route, viewer, this.contextOf(c.plugin))));
    return answers.flat();
  }
  render(view: string, data: Record<string, unknown>, opts?: { layout?: string | false }): Promise<string> {
    return this.views.render(view, data, opts);
  }

  /** The context of a plugin ("core" for the core itself). */
  contextOf(plugin: string): PluginRuntime {
    let ctx = this.contexts.get(plugin);
    if (!ctx) {
      ctx = new PluginRuntime(this, plugin, this.log.child({ plugin }));
      this.contexts.set(plugin, ctx);
    }
    return ctx;
  }

  /** The enabled plugins' identity providers, then the app's own; rebuilt when plugin states change. */
  identities(): BoundIdentity[] {
    this.identityList ??= [
      ...this.plugins.filter((p) => p.identity && this.isEnabled(p.name)).map((p) => bind(p.identity as IdentityProvider, this.contextOf(p.name))),
      ...(this.opts.identity ?? []).map((provider) => bind(provider, this.contextOf('core'))),
    ];
    return this.identityList;
  }

  private async layout(principal: Principal | null): Promise<Record<string, unknown>> {
    const enabled = this.plugins.filter((p) => this.isEnabled(p.name));
    const pages = enabled.flatMap((p) => p.admin ?? []);
    // Admin pages and nav links are checked at the system context: one look at what the caller holds there.
    const held = new Set(principal ? await this.permissions.permissionsAt(principal.id) : []);
    const allowed = pages.map((page) => held.has(page.permission.name));
    const links = principal ? enabled.flatMap((p) => p.nav ?? []) : [];
    const shown = links.map((link) => !link.permission || held.has(link.permission.name));
    const settings = await this.settings.current(CORE_SETTINGS) as CoreSettingsValues;
    const theme = this.views.pick(settings.theme);
    return {
      version: CORE_VERSION,
      /** The theme the page is drawn in (the `theme` core setting, else the configured one) and its settings. */
      theme,
      themeSettings: themeSettingValues(settings.themeSettings, this.views.settingsOf(theme)),
      /** The page's language: the person's choice, else the system's (`{{t}}` reads it). */
      locale: this.views.catalogs.supported(principal?.locale ?? settings.locale),
      user: principal ? { id: principal.id, name: principal.name ?? principal.email ?? principal.id, email: principal.email } : null,
      /** For forms in the layout and views (a `_csrf` field) when the caller came with a session cookie. */
      csrfToken: principal?.csrfToken,
      /** Where to sign in, when an identity plugin offers it (the layout's "Sign in" link). */
      signInPath: this.identities().find((p) => p.signInPath)?.signInPath,
      nav: [
        { title: 'core.nav.home', path: '/' }, ...links.filter((_, i) => shown[i]).map(({ title, path }) => ({ title, path })),
        ...pages.filter((_, i) => allowed[i]).map((page) => ({ title: page.title, path: page.path })),
      ],
    };
  }

  private systemApi() {
    return {
      version: CORE_VERSION,
      databaseDriver: this.database.driver,
      dataDir: this.config.dataDir,
      filesDir: this.config.filesDir,
      pendingMigrations: () => pendingMigrations(this.database.knex, this.migrations),
      migrations: () => this.migrations.map((m) => `${m.plugin}/${m.name}`),
      migrate: (db: Knex, only: readonly string[]) => runMigrations(db, this.migrations.filter((m) => only.includes(`${m.plugin}/${m.name}`))),
      ping: async () => {
        const [db, queue] = await Promise.all([
          this.database.knex.raw('select 1').then(() => true, () => false),
          this.jobs.driver.ping().then(() => true, () => false),
        ]);
        return { db, queue };
      },
      jobs: this.jobs,
      queueStore: () => this.queueStore(),
      queueWarnings: () => this.jobs.driver.warnings(),
      exposure: () => ({ publicUrl: this.config.publicUrl, trustProxy: this.config.trustProxy, logLevel: this.config.logLevel }),
      plugins: () => this.pluginStates(),
      removeTemporaryFiles: (before: Date) => removeTemporaryFiles(this.config.filesDir, before),
      homePanels: () => this.coreValues<HomePanel>(homePanels)
        .map((c): BoundHomePanel => ({ ...c.value, load: (req) => c.value.load(req, this.contextOf(c.plugin)) }))
        .sort((a, b) => (a.order ?? 100) - (b.order ?? 100)),
      setEnabled: (name: string, enabled: boolean, req: { principal: Principal | null; ip: string }) => {
        if (!this.byName.has(name)) return Promise.reject(notFoundPlugin(name));
        return this.setEnabled(name, enabled, { actorId: req.principal?.id ?? null, ip: req.ip });
      },
      settings: this.settings,
      audit: this.audit,
      openApi: () => openApiDocument(this.http.mounted, CORE_VERSION, this.plugins.find((p) => p.identity?.sessionCookie)?.identity?.sessionCookie),
    };
  }
}

const notFoundPlugin = (name: string) => notFound(`plugin "${name}" is not loaded`);

/** The core's migrations, then each plugin's, in start order. */
export function migrationsOf(plugins: Plugin[]): Migration[] {
  return [...coreMigrations, ...plugins.flatMap((p) => (p.migrations ? loadMigrationDir(p.name, p.migrations) : []))];
}

/** Creates an app (loaded, validated, registered); call start() and listen() to serve. */
export function createApp(opts: AppOptions = {}): Promise<App> {
  return App.create(opts);
}
