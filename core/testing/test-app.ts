// createTestApp boots the real core with a chosen set of plugins: on PGlite (a migrated template
// cloned per app, so each test starts clean and fast), or on PostgreSQL and Redis when DATABASE_URL
// and REDIS_URL are set (a fresh schema and queue prefix per app, removed on close). Every answer of an
// API route is checked against the route's declared responses, so each test also checks the API document.
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import pino from 'pino';
import knexFactory, { type Knex } from 'knex';
import { PGlite } from '@electric-sql/pglite';
import ClientPGLite from 'knex-pglite';
import IORedis from 'ioredis';
import { App, migrationsOf, type AppOptions } from '../app';
import { loadPlugins, orderPlugins } from '../lifecycle';
import { runMigrations } from '../db/migrations';
import type { ConfigInput } from '../config';
import { SYSTEM, type ContextRef, type EventRef, type IdentityProvider } from '../plugin';
import type { Plugin } from '../manifest';

export interface TestAppOptions {
  plugins?: (string | Plugin)[];
  /**
   * Stored settings per plugin, applied before the app starts. The core's `defaultRole` starts null here
   * (personas hold only the roles a test grants); give `{ core: { defaultRole: 'learner' } }` to test with it.
   */
  settings?: Record<string, Record<string, unknown>>;
  config?: ConfigInput;
  /** Run job workers in this app (default true). */
  workers?: boolean;
  /** Share the database (and queue prefix) of another test app: a second instance of the same system. */
  shareWith?: TestApp;
  clock?: () => Date;
  /** Answer 500 when an API route answers anything its declaration does not list (default true). */
  checkResponses?: boolean;
}

type Agent = {
  get(url: string): supertest.Test; post(url: string): supertest.Test; put(url: string): supertest.Test;
  patch(url: string): supertest.Test; delete(url: string): supertest.Test;
};

/** A named test user and requests made as it. */
export interface Persona extends Agent { readonly id: string; readonly name: string }

export interface TestApp extends Agent {
  readonly app: App;
  /** The PostgreSQL schema of this test system (undefined on PGlite). */
  readonly schema: string | undefined;
  readonly db: Knex;
  /**
   * A named test user, made on first use: a real account when an identity plugin can make one (auth
   * makes `<name>@example.test`), otherwise the name itself is the user id. Optionally given a role.
   */
  persona(name: string, role?: string, context?: ContextRef): Promise<Persona>;
  /** Requests made as a persona (by name) or a user id, e.g. `t.as('alice').get('/api/v1/me')`. */
  as(user: string): Agent;
  /** Gives a persona (by name) or a user id a role at a context (default: system). */
  grant(user: string, role: string, context?: ContextRef): Promise<void>;
  /** Emits an event as its plugin would, outside a request: durable deliveries become jobs (see `jobs.drain`). */
  emit<P>(event: EventRef<P>, payload: P): Promise<void>;
  /** Waits until no job (durable deliveries included) is waiting, running or delayed. */
  jobs: { drain(timeoutMs?: number): Promise<void> };
  close(): Promise<void>;
}

export const TEST_USER_HEADER = 'x-lectern-test-user';

/** Tests say who they are with a header; only test apps consult it. */
const testIdentity: IdentityProvider = {
  async resolve(req) {
    const id = req.headers[TEST_USER_HEADER];
    return typeof id === 'string' && id ? { id, via: 'test' } : null;
  },
};

const templates = new Map<string, Promise<PGlite>>();
const nonClosingClient = class extends ClientPGLite {
  async destroyRawConnection(): Promise<void> { /* the template outlives its knex */ }
};

/** A PGlite with every migration of this plugin set applied, made once per set and process. */
function template(key: string, migrate: (knex: Knex) => Promise<unknown>): Promise<PGlite> {
  let t = templates.get(key);
  if (!t) {
    t = (async () => {
      const pglite = new PGlite();
      const knex = knexFactory({ client: nonClosingClient, dialect: 'postgres', connection: () => ({ pglite }) as Knex.StaticConnectionConfig });
      try {
        await migrate(knex);
      } finally {
        await knex.destroy();
      }
      return pglite;
    })();
    templates.set(key, t);
  }
  return t;
}

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const env = process.env;
  const shared = opts.shareWith;
  const id = crypto.randomBytes(5).toString('hex');
  const schema = env.DATABASE_URL ? shared?.schema ?? `t_${id}` : undefined;
  const config: ConfigInput = {
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    dataDir: path.join(os.tmpdir(), `lectern-test-${id}`),
    plugins: [],
    logLevel: (env.LOG_LEVEL as ConfigInput['logLevel']) ?? 'silent',
    syncIntervalMs: 200,
    ...opts.config,
    jobs: {
      pollMs: 20, lockMs: 2000, stalledIntervalMs: 1000,
      prefix: shared ? shared.app.config.jobs.prefix : `lt${id}`,
      ...opts.config?.jobs,
    },
  };
  const appOpts: AppOptions = {
    config, env: {}, plugins: opts.plugins ?? [], migrate: true, workers: opts.workers, identity: [testIdentity],
    logger: pino({ level: config.logLevel ?? 'silent' }), clock: opts.clock, ephemeralSecret: true,
    checkResponses: opts.checkResponses ?? true,
  };

  if (shared && !schema) {
    // PGlite has one connection: a second instance in this process shares it.
    appOpts.database = { shared: shared.app.database };
  } else if (schema) {
    if (!shared) {
      const admin = knexFactory({ client: 'pg', connection: env.DATABASE_URL });
      await admin.raw(`create schema "${schema}"`).finally(() => admin.destroy());
    }
    appOpts.database = { schema };
  } else {
    const names = (opts.plugins ?? []).map((p) => (typeof p === 'string' ? p : `${p.name}@${p.version}`)).join(',');
    const tpl = await template(names, (knex) => runMigrations(knex, migrationsOf(orderPlugins(loadPlugins(opts.plugins ?? [])))));
    appOpts.database = { pglite: (await tpl.clone()) as PGlite };
  }

  const app = await App.create(appOpts).catch(async (err: unknown) => {
    await appOpts.database?.pglite?.close();
    throw err;
  });
  try {
    const settings = opts.shareWith ? opts.settings ?? {} : { ...opts.settings, core: { defaultRole: null, ...opts.settings?.['core'] } };
    if (Object.keys(settings).length) {
      await app.migrate();
      for (const [plugin, values] of Object.entries(settings)) await app.settings.update(plugin, values);
    }
    await app.start();
  } catch (err) {
    await app.stop().catch(() => undefined);
    throw err;
  }

  const http = () => supertest(app.http.callback());
  const personas = new Map<string, string>();
  const idOf = (user: string) => personas.get(user) ?? user;
  const agent = (userId?: string): Agent => {
    const wrap = (t: supertest.Test) => (userId ? t.set(TEST_USER_HEADER, userId) : t);
    return {
      get: (url) => wrap(http().get(url)), post: (url) => wrap(http().post(url)), put: (url) => wrap(http().put(url)),
      patch: (url) => wrap(http().patch(url)), delete: (url) => wrap(http().delete(url)),
    };
  };

  return {
    ...agent(),
    app,
    schema,
    db: app.database.knex,
    async persona(name, role, context = SYSTEM) {
      let id = personas.get(name);
      if (!id) {
        const maker = app.identities().find((p) => p.createTestUser)?.createTestUser;
        id = maker ? await maker(name) : name;
        personas.set(name, id);
      }
      if (role) await app.permissions.assign(id, role, context);
      return { id, name, ...agent(id) };
    },
    as: (user) => agent(idOf(user)),
    grant: async (user, role, context = SYSTEM) => { await app.permissions.assign(idOf(user), role, context); },
    emit: (event, payload) => app.contextOf('core').emit(event, payload),
    jobs: { drain: (timeoutMs) => app.jobs.drain(timeoutMs) },
    close: async () => {
      await app.stop();
      if (schema && !shared) {
        const admin = knexFactory({ client: 'pg', connection: env.DATABASE_URL });
        await admin.raw(`drop schema "${schema}" cascade`).finally(() => admin.destroy());
      }
      if (config.redisUrl && !shared) await deleteKeys(config.redisUrl, `${config.jobs?.prefix}:*`);
    },
  };
}

async function deleteKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
