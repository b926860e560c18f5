// The core's own HTTP surface: health and readiness, the OpenAPI document, the home page, plugin
// enable/disable, settings and the audit trail (API.md "Health, system, jobs"). System status and the
// jobs API belong to the maintenance plugin, which reads what is running through CoreServices.system.
import { Type } from '@sinclair/typebox';
import type { Knex } from 'knex';
import type { AuditLog } from './audit';
import type { JobService } from './jobs/service';
import { definePermissions, type HomePanel } from './plugin';

/** A home panel with its plugin's context bound: what the home page calls. */
export type BoundHomePanel = Omit<HomePanel, 'load'> & { load(req: SignedInRequest): ReturnType<HomePanel['load']> };
import { defineRoute, Reply, type RouteRef, type SignedInRequest } from './http/route';
import type { Principal } from './plugin';
import { csvAnswer } from './http/csv-answer';
import { pageLimit } from './http/cursor';
import { named, pageOf } from './http/response-schemas';
import { auditCursor, type AuditRecord as AuditRecordRow } from './audit';
import type { SettingsStore } from './settings';

export const corePermissions = definePermissions({
  viewSystem: { name: 'system:view', context: 'system', description: 'See system status: versions, database, queue and plugins.' },
  managePlugins: { name: 'system:plugins', context: 'system', risks: ['config'], description: 'Enable and disable plugins.' },
  configure: { name: 'system:configure', context: 'system', risks: ['config'], description: 'Change plugin settings.' },
  viewAudit: { name: 'audit:view', context: 'system', risks: ['personal'], description: 'Read the audit trail.' },
});

export interface PluginState { name: string; version: string; description: string; enabled: boolean }

/** What is running, for plugins that show it (CoreServices.system); `migrate` and the one system-wide chore the core owns (temporary files) change things. */
export interface SystemInfo {
  version: string;
  databaseDriver: 'postgres' | 'pglite';
  /** The data directory, and where the core's file storage keeps every plugin's files (`<filesDir>/<plugin>/<key>`). */
  dataDir: string;
  filesDir: string;
  pendingMigrations(): Promise<string[]>;
  /** Every migration this installation knows (`<plugin>/<name>`), in the order they run. */
  migrations(): string[];
  /** Runs those of the named migrations that have not run, in order, through `db` (a restore's transaction); returns the ids it ran. */
  migrate(db: Knex, only: readonly string[]): Promise<string[]>;
  /** Where jobs are kept: "redis", or the app's own database ("postgres" or "pglite"). */
  queueStore(): string;
  queueWarnings(): Promise<string[]>;
  /** The configuration a security review looks at: where users reach the site, whether a proxy's X-Forwarded-Proto is trusted, the log level. */
  exposure(): { publicUrl: string; trustProxy: boolean; logLevel: string };
  plugins(): PluginState[];
  /** Housekeeping: removes temporary files of interrupted uploads last modified before `before`, in every plugin's storage; returns how many. */
  removeTemporaryFiles(before: Date): Promise<number>;
  /** Enables or disables a plugin on every instance, audited as `actor`'s; a 409 names the plugins in the way. */
  setEnabled(name: string, enabled: boolean, actor: { principal: Principal | null; ip: string }): Promise<PluginState>;
}

/** What the system routes need from the running app. */
export interface SystemApi extends SystemInfo {
  /** The enabled plugins' home page panels, in order. */
  homePanels(): BoundHomePanel[];
  ping(): Promise<{ db: boolean; queue: boolean }>;
  jobs: JobService;
  settings: SettingsStore;
  audit: AuditLog;
  openApi(): Record<string, unknown>;
}

/** `?limit=&cursor=` with an opaque cursor (the jobs list); a keyset list spreads its `keyset(...).query` instead. */
export const pageQuery = {
  limit: pageLimit,
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The nextCursor of the previous page' })),
};

const NullableString = Type.Union([Type.String(), Type.Null()]);
const Health = Type.Object({ status: Type.Literal('ok') });
const Up = Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]);
const Readiness = Type.Object({ db: Up, queue: Up });
const OpenApi = Type.Object({
  openapi: Type.String(), info: Type.Object({ title: Type.String(), version: Type.String() }),
  paths: Type.Record(Type.String(), Type.Unknown()), components: Type.Record(Type.String(), Type.Unknown()),
}, { description: 'The OpenAPI 3.1 document' });
const Plugin = named('Plugin', Type.Object({ name: Type.String(), version: Type.String(), description: Type.String(), enabled: Type.Boolean() }));
const PluginPage = pageOf(Plugin);
const Settings = Type.Record(Type.String(), Type.Unknown(), { description: "The plugin's settings" });
const AuditRecord = named('AuditRecord', Type.Object({
  id: Type.String(), at: Type.String({ format: 'date-time' }), actorId: NullableString, action: Type.String(),
  targetType: NullableString, targetId: NullableString, ip: NullableString, details: Type.Record(Type.String(), Type.Unknown()),
}));
const AuditPage = pageOf(AuditRecord);
const AUDIT_CSV = ['id', 'at', 'actorId', 'action', 'targetType', 'targetId', 'ip', 'details'] as const;

const PluginName = Type.Object({ name: Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 40 }) });
const SettingsParams = Type.Object({ plugin: Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 40 }) });

/** Each panel's view rendered bare from its data, in the page's locale; panels with nothing to show are left out. */
async function renderPanels(panels: BoundHomePanel[], req: SignedInRequest): Promise<string[]> {
  const locale = await req.locale();
  const html = await Promise.all(panels.map(async (panel) => {
    const data = await panel.load(req);
    return data ? req.render(panel.view, { ...data, locale }) : null;
  }));
  return html.filter((h): h is string => h !== null);
}

export function systemRoutes(api: SystemApi): RouteRef[] {
  return [
    defineRoute({
      method: 'GET', path: '/healthz', public: true, summary: 'Liveness', responses: { 200: Health },
      handler: async () => ({ status: 'ok' }),
    }),
    defineRoute({
      method: 'GET', path: '/readyz', public: true, summary: 'Readiness: database and queue reachable',
      responses: { 200: Readiness, 503: Readiness },
      handler: async () => {
        const up = await api.ping();
        const body = { db: up.db ? 'ok' : 'unavailable', queue: up.queue ? 'ok' : 'unavailable' };
        return new Reply(up.db && up.queue ? 200 : 503, body);
      },
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/openapi.json', public: true, summary: 'This API, as OpenAPI 3.1', responses: { 200: OpenApi },
      handler: async () => api.openApi(),
    }),
    defineRoute({
      method: 'GET', path: '/', public: true, html: true, summary: 'Home page',
      // A signed-in person sees the plugins' panels (their courses and progress…); what is installed is on /admin/system.
      handler: async (req) => {
        const panels = req.principal ? await renderPanels(api.homePanels(), req as SignedInRequest) : [];
        return req.page('core/home', { title: 'core.nav.home', panels });
      },
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/plugins', permission: corePermissions.managePlugins, summary: 'Every loaded plugin and whether it is enabled',
      responses: { 200: PluginPage },
      handler: async () => ({ items: api.plugins(), nextCursor: null }),
    }),
    defineRoute({
      method: 'PATCH', path: '/api/v1/plugins/:name', permission: corePermissions.managePlugins,
      summary: 'Enable or disable a plugin, on every instance', responses: { 200: Plugin }, errors: [409],
      params: PluginName, body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
      handler: async (req) => api.setEnabled(req.params.name, req.body.enabled, req),
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/settings/:plugin', permission: corePermissions.configure, params: SettingsParams,
      summary: "A plugin's settings", responses: { 200: Settings },
      handler: async (req) => api.settings.get(req.params.plugin),
    }),
    defineRoute({
      method: 'PATCH', path: '/api/v1/settings/:plugin', permission: corePermissions.configure, params: SettingsParams,
      summary: "Change some of a plugin's settings (validated against its settings schema)", responses: { 200: Settings },
      body: Type.Record(Type.String(), Type.Unknown()),
      handler: async (req) => {
        await req.transaction(async (tx) => {
          await api.settings.update(req.params.plugin, req.body, tx.db);
          // Keys only: settings may hold credentials, which have no place in the audit trail.
          await tx.audit({ action: 'settings.update', target: { type: 'plugin', id: req.params.plugin }, details: { changed: Object.keys(req.body) } });
        });
        return api.settings.get(req.params.plugin);
      },
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/audit', permission: corePermissions.viewAudit,
      summary: 'The audit trail, newest first (JSON a page at a time, or every selected record as CSV)',
      responses: { 200: { media: 'text/csv', json: AuditPage } },
      query: Type.Object({
        actorId: Type.Optional(Type.String({ maxLength: 200 })),
        action: Type.Optional(Type.String({ maxLength: 200, description: 'Actions, comma-separated; one ending in "." matches every action it begins, e.g. `maintenance.`' })),
        targetType: Type.Optional(Type.String({ maxLength: 200 })),
        targetId: Type.Optional(Type.String({ maxLength: 200 })),
        since: Type.Optional(Type.String({ format: 'date-time' })),
        until: Type.Optional(Type.String({ format: 'date-time' })),
        format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json', description: '`csv` streams every selected record' })),
        ...auditCursor.query,
      }),
      handler: async (req) => {
        const { format, limit, cursor, ...filter } = req.query;
        if (format !== 'csv') return api.audit.list({ ...filter, limit, cursor });
        return csvAnswer('audit.csv', AUDIT_CSV, auditRows(api.audit.all(filter)));
      },
    }),
  ];
}

async function* auditRows(records: AsyncIterable<AuditRecordRow>): AsyncGenerator<string[]> {
  for await (const r of records) {
    yield [r.id, r.at, r.actorId ?? '', r.action, r.targetType ?? '', r.targetId ?? '', r.ip ?? '', JSON.stringify(r.details)];
  }
}
