// An example Lectern plugin, written as an outside developer writes one: it imports only the
// `lectern` package and has one of every part of a plugin — permissions, roles, settings, two
// migrations, JSON routes, a page, an admin page, a nav link, a job, an event with an in-process and a
// durable subscriber, a service it exports, an extension point, a command and a privacy provider.
import path from 'node:path';
import {
  contribute, defineAdminPage, defineEvent, defineExtensionPoint, defineJob, definePermissions, definePlugin,
  defineRoute, defineService, keyset, named, notFound, on, pagerLinks, reply, Type, type PluginContext,
} from 'lectern';

export const helloPermissions = definePermissions({
  read: { name: 'hello:read', context: 'system', description: 'Read greetings.', defaults: { learner: 'allow', instructor: 'allow' } },
  write: { name: 'hello:write', context: 'system', description: 'Post greetings.', defaults: { instructor: 'allow' } },
  // No defaults: only admin holds it until someone grants it to a role.
  manage: { name: 'hello:manage', context: 'system', description: 'See greeting statistics.' },
});

/** Emitted after a greeting is stored. */
export const greeted = defineEvent<{ id: string; message: string }>('hello.greeted');

/** Other ways of saying hello, shown on the hello page. Any plugin that depends on hello may add one. */
export interface Salutation { language: string; text: string }
export const salutations = defineExtensionPoint<Salutation>('hello.salutations');

export interface Greeting { id: string; message: string; words: number | null; createdBy: string | null; createdAt: string }

/** What hello offers other plugins (those that list 'hello' in dependsOn): `ctx.resolve(HelloGreetings)`. */
export interface Greetings {
  /** The newest greeting, cached in this process for a few seconds. */
  latest(): Promise<Greeting | null>;
  /** Drops this process's cached newest greeting. */
  forget(): void;
  /** Greetings per day, newest day first (the summary the durable subscriber keeps). */
  daily(limit: number): Promise<{ day: string; greetings: number }[]>;
}
export const HelloGreetings = defineService<Greetings>('hello.greetings');

const settings = Type.Object({
  greeting: Type.String({ minLength: 1, maxLength: 80, default: 'Hello from Lectern' }),
}, { additionalProperties: false });

/** A greeting as the JSON API answers it (the OpenAPI document's `Greeting`). */
const GreetingSchema = named('Greeting', Type.Object({
  id: Type.String(), message: Type.String(),
  words: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Counted by a job; null until it ran' }),
  createdBy: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String({ format: 'date-time' }),
}));

interface GreetingRow { id: number | string; message: string; words: number | null; created_by: string | null; created_at: Date }
const toGreeting = (r: GreetingRow): Greeting => ({
  id: String(r.id), message: r.message, words: r.words, createdBy: r.created_by, createdAt: new Date(r.created_at).toISOString(),
});

/** How long another process may show an older newest greeting: in-process subscribers run only where the event was emitted. */
const CACHE_MS = 5000;

/** The service, made once per running app by the factory bound in `register`. */
function greetingsService(ctx: PluginContext): Greetings {
  let cached: { at: number; value: Promise<Greeting | null> } | undefined;
  return {
    latest() {
      if (!cached || Date.now() - cached.at > CACHE_MS) {
        const value = ctx.db<GreetingRow>('hello_greetings').orderBy('id', 'desc').first().then((row) => (row ? toGreeting(row) : null));
        cached = { at: Date.now(), value };
        value.catch(() => { cached = undefined; });
      }
      return cached.value;
    },
    forget() { cached = undefined; },
    async daily(limit) {
      const rows: { day: string; greetings: number }[] = await ctx.db('hello_daily_counts')
        .orderBy('day', 'desc').limit(limit).select(ctx.db.raw('day::text as day'), 'greetings');
      return rows;
    },
  };
}

/** Counts the words of a greeting. Setting the count is idempotent, so running twice is harmless. */
export const countWords = defineJob({
  name: 'hello.countWords',
  payload: Type.Object({ id: Type.String({ pattern: '^[0-9]+$' }) }),
  async handler({ id }, job) {
    const row = await job.db('hello_greetings').where({ id }).first('message');
    if (!row) return { words: 0 };
    const words = String(row.message).trim().split(/\s+/).filter(Boolean).length;
    await job.db('hello_greetings').where({ id }).update({ words });
    await job.progress(100);
    return { words };
  },
});

// In-process: runs after the commit in the process that stored the greeting, and may be lost. Right
// for a cache: losing it only means the cache expires on its own.
const dropCachedLatest = on(greeted, (_greeting, ctx) => { ctx.resolve(HelloGreetings).forget(); });

// Durable: a delivery is written with the greeting and runs as the job `hello.on.hello.greeted`, at
// least once. Recounting the greeting's day (and never lowering a count) is safe to run twice.
const countDaily = on(greeted, async ({ id }, ctx) => {
  await ctx.db.raw(`insert into hello_daily_counts (day, greetings)
    select created_at::date, count(*)::int from hello_greetings
    where created_at::date = (select created_at::date from hello_greetings where id = ?)
    group by 1
    on conflict (day) do update set greetings = greatest(hello_daily_counts.greetings, excluded.greetings)`, [id]);
}, { durable: true });

const Id = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });

const getGreeting = defineRoute({
  method: 'GET', path: '/api/v1/hello/greetings/:id', permission: helloPermissions.read, params: Id,
  summary: 'One greeting', responses: { 200: GreetingSchema },
  async handler(req) {
    const row = await req.db<GreetingRow>('hello_greetings').where({ id: req.params.id }).first();
    if (!row) throw notFound(`greeting ${req.params.id} does not exist`);
    return toGreeting(row);
  },
});

const postGreeting = defineRoute({
  method: 'POST', path: '/api/v1/hello/greetings', permission: helloPermissions.write,
  body: Type.Object({ message: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
  summary: 'Post a greeting', responses: { 201: GreetingSchema },
  async handler(req) {
    // The row, its audit record, the event's durable delivery and the job commit together or not at all.
    const created = await req.transaction(async (tx) => {
      const [row] = await tx.db<GreetingRow>('hello_greetings').insert({ message: req.body.message, created_by: req.principal.id }).returning('*');
      const greeting = toGreeting(row);
      await tx.audit({ action: 'hello.greeting.create', target: { type: 'greeting', id: greeting.id } });
      tx.emit(greeted, { id: greeting.id, message: greeting.message });
      await tx.enqueue(countWords, { id: greeting.id });
      return greeting;
    });
    return reply.created(created);
  },
});

const page = defineRoute({
  method: 'GET', path: '/hello', public: true, html: true, summary: 'The hello page',
  async handler(req) {
    const { greeting } = await req.settings(settings);
    const latest = await req.resolve(HelloGreetings).latest();
    return req.page('hello/greeting', { title: greeting, greeting, latest, salutations: req.extensions(salutations) });
  },
});

const newestFirst = keyset('int');
const PAGE_SIZE = 20;

const statsPage = defineAdminPage({
  path: '/admin/hello', title: 'Greetings', permission: helloPermissions.manage, view: 'hello/admin/stats',
  query: Type.Object({ cursor: newestFirst.cursor }),
  async load(req) {
    const after = req.query.cursor?.[0];
    const rows = await req.db<GreetingRow>('hello_greetings').orderBy('id', 'desc').limit(PAGE_SIZE + 1)
      .modify((q) => { if (after !== undefined) q.where('id', '<', after); });
    const list = newestFirst.page(rows, PAGE_SIZE, toGreeting, (r) => [Number(r.id)]);
    return {
      days: await req.resolve(HelloGreetings).daily(14),
      greetings: list.items,
      pager: pagerLinks('/admin/hello', {}, list.nextCursor, after !== undefined),
    };
  },
});

export default definePlugin({
  name: 'hello',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'Says hello: an example of every part of a plugin.',
  settings,
  permissions: helloPermissions,
  roles: [{ key: 'learner', name: 'Learner' }, { key: 'instructor', name: 'Instructor' }],
  events: [greeted],
  extensionPoints: [salutations],
  contributes: [
    contribute(salutations, { language: 'fr', text: 'Bonjour' }),
    contribute(salutations, { language: 'es', text: 'Hola' }),
  ],
  migrations: path.join(__dirname, 'migrations'),
  views: path.join(__dirname, 'views'),
  lang: path.join(__dirname, 'lang'),
  routes: [getGreeting, postGreeting, page],
  jobs: [countWords],
  subscribe: [dropCachedLatest, countDaily],
  register(c) {
    c.bind(HelloGreetings, greetingsService);
  },
  exports: [HelloGreetings],
  admin: [statsPage],
  nav: [{ title: 'Hello', path: '/hello', permission: helloPermissions.read }],
  commands: [{
    name: 'hello stats',
    description: 'Print how many greetings there are',
    async run(_args, ctx) {
      const row = await ctx.db('hello_greetings').count({ n: '*' }).first();
      process.stdout.write(`${Number(row?.n ?? 0)} greeting(s)\n`);
    },
  }],
  privacy: {
    tables: ['hello_greetings'],
    async export(userId, ctx) {
      return { greetings: await ctx.db('hello_greetings').where({ created_by: userId }).select('message', 'created_at') };
    },
    async erase(userId, ctx) {
      await ctx.db('hello_greetings').where({ created_by: userId }).update({ created_by: null });
    },
  },
});
