// The core's own HTTP surface: health and readiness, the OpenAPI document, the home page, system
// status, plugin enable/disable, settings, jobs and the audit trail (API.md "Health, system, jobs").
import { Type } from '@sinclair/typebox';
import type { AuditLog } from './audit';
import type { JobService } from './jobs/service';
import { definePermissions, type JobInfo } from './plugin';
import { defineRoute, reply, Reply, type RouteRef, type RouteRequest } from './http/route';
import { notFound } from './http/errors';
import { pageLimit } from './http/cursor';
import { JobStateSchema, named, pageOf } from './http/response-schemas';
import { auditCursor } from './audit';
import type { SettingsStore } from './settings';

export const corePermissions = definePermissions({
  viewSystem: { name: 'system:view', context: 'system', description: 'See system status: versions, database, queue and plugins.' },
  managePlugins: { name: 'system:plugins', context: 'system', risks: ['config'], description: 'Enable and disable plugins.' },
  configure: { name: 'system:configure', context: 'system', risks: ['config'], description: 'Change plugin settings.' },
  viewAudit: { name: 'audit:view', context: 'system', risks: ['personal'], description: 'Read the audit trail.' },
  manageJobs: { name: 'maintenance:jobs', context: 'system', description: 'See and retry every background job.' },
});

export interface PluginState { name: string; version: string; description: string; enabled: boolean }

/** What the system routes need from the running app. */
export interface SystemApi {
  version: string;
  databaseDriver: 'postgres' | 'pglite';
  pendingMigrations(): Promise<string[]>;
  ping(): Promise<{ db: boolean; queue: boolean }>;
  jobs: JobService;
  queueStore(): string;
  queueWarnings(): Promise<string[]>;
  plugins(): PluginState[];
  setEnabled(name: string, enabled: boolean, req: RouteRequest): Promise<PluginState>;
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
const SystemStatus = Type.Object({
  version: Type.String(),
  db: Type.Object({ driver: Type.Union([Type.Literal('postgres'), Type.Literal('pglite')]), pendingMigrations: Type.Integer() }),
  queue: Type.Object({
    driver: Type.Union([Type.Literal('bullmq'), Type.Literal('inline')]), store: Type.String(),
    counts: Type.Object(Object.fromEntries(JobStateSchema.anyOf.map((s) => [s.const, Type.Integer()]))), warnings: Type.Array(Type.String()),
  }),
  maintenance: Type.Object({ enabled: Type.Boolean(), message: NullableString, until: NullableString }),
  plugins: Type.Array(Type.Object({ name: Type.String(), version: Type.String(), enabled: Type.Boolean() })),
});
const Plugin = named('Plugin', Type.Object({ name: Type.String(), version: Type.String(), description: Type.String(), enabled: Type.Boolean() }));
const PluginPage = pageOf(Plugin);
const Settings = Type.Record(Type.String(), Type.Unknown(), { description: "The plugin's settings" });
const Job = named('Job', Type.Object({
  id: Type.String(), name: Type.String(), state: JobStateSchema, progress: Type.Number({ minimum: 0, maximum: 100 }),
  result: Type.Optional(Type.Unknown()), error: Type.Optional(Type.String()), attempts: Type.Integer(),
  createdBy: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
}));
const JobPage = pageOf(Job);
const AuditRecord = named('AuditRecord', Type.Object({
  id: Type.String(), at: Type.String({ format: 'date-time' }), actorId: NullableString, action: Type.String(),
  targetType: NullableString, targetId: NullableString, ip: NullableString, details: Type.Record(Type.String(), Type.Unknown()),
}));
const AuditPage = pageOf(AuditRecord);

const PluginName = Type.Object({ name: Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 40 }) });
const SettingsParams = Type.Object({ plugin: Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 40 }) });
const JobId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export function systemRoutes(api: SystemApi): RouteRef[] {
  const canSeeJob = async (req: RouteRequest, job: JobInfo | null) =>
    job !== null && (job.createdBy === req.principal?.id || await req.can(corePermissions.manageJobs));

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
      // What is installed and the operators' links are for those who run the system, not for learners.
      handler: async (req) => req.page('core/home', {
        title: 'Home',
        system: req.principal && await req.can(corePermissions.viewSystem) ? { plugins: api.plugins().filter((p) => p.enabled) } : undefined,
      }),
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/system/status', permission: corePermissions.viewSystem,
      summary: 'System status: versions, database, queue and plugins', responses: { 200: SystemStatus },
      handler: async () => {
        const [pendingMigrations, counts, warnings] = await Promise.all([api.pendingMigrations(), api.jobs.counts(), api.queueWarnings()]);
        return {
          version: api.version,
          db: { driver: api.databaseDriver, pendingMigrations: pendingMigrations.length },
          queue: { driver: api.jobs.driver.name, store: api.queueStore(), counts, warnings },
          maintenance: { enabled: false, message: null, until: null },
          plugins: api.plugins().map(({ name, version, enabled }) => ({ name, version, enabled })),
        };
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
      method: 'GET', path: '/api/v1/jobs', authenticated: true, summary: 'Background jobs (your own, or all with maintenance:jobs)',
      query: Type.Object({ state: Type.Optional(JobStateSchema), ...pageQuery }), responses: { 200: JobPage },
      handler: async (req) => {
        const all = await req.can(corePermissions.manageJobs);
        return api.jobs.list({ ...req.query, createdBy: all ? undefined : req.principal.id });
      },
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/jobs/:id', authenticated: true, params: JobId, summary: 'One job', responses: { 200: Job },
      handler: async (req) => {
        const job = await api.jobs.get(req.params.id);
        if (!(await canSeeJob(req, job))) throw notFound(`job ${req.params.id} does not exist`);
        return job;
      },
    }),
    defineRoute({
      method: 'POST', path: '/api/v1/jobs/:id/retry', authenticated: true, params: JobId,
      summary: 'Retry a failed job (a job that has not failed is answered as it is)', responses: { 200: Job },
      handler: async (req) => {
        const job = await api.jobs.get(req.params.id);
        if (!(await canSeeJob(req, job))) throw notFound(`job ${req.params.id} does not exist`);
        const retried = await api.jobs.retry(req.params.id);
        if (!retried) return reply.ok(job);
        await req.audit({ action: 'jobs.retry', target: { type: 'job', id: retried.id } });
        return retried;
      },
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/audit', permission: corePermissions.viewAudit, summary: 'The audit trail, newest first',
      responses: { 200: AuditPage },
      query: Type.Object({
        actorId: Type.Optional(Type.String({ maxLength: 200 })),
        action: Type.Optional(Type.String({ maxLength: 200 })),
        targetType: Type.Optional(Type.String({ maxLength: 200 })),
        targetId: Type.Optional(Type.String({ maxLength: 200 })),
        since: Type.Optional(Type.String({ format: 'date-time' })),
        until: Type.Optional(Type.String({ format: 'date-time' })),
        ...auditCursor.query,
      }),
      handler: async (req) => api.audit.list(req.query),
    }),
  ];
}
