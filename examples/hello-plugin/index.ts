// An example Lectern plugin, written as an outside developer writes one: it imports only the
// `lectern` package and adds a permission, a migration, routes, a job, an event and a view.
import path from 'node:path';
import {
  definePlugin, definePermissions, defineEvent, defineJob, defineRoute, notFound, reply, Type,
} from 'lectern';

export const helloPermissions = definePermissions({
  read: { name: 'hello:read', context: 'system', description: 'Read greetings.', defaults: { learner: 'allow', instructor: 'allow' } },
  write: { name: 'hello:write', context: 'system', description: 'Post greetings.', defaults: { instructor: 'allow' } },
});

/** Emitted after a greeting is stored. */
export const greeted = defineEvent<{ id: string; message: string }>('hello.greeted');

const settings = Type.Object({
  greeting: Type.String({ minLength: 1, maxLength: 80, default: 'Hello from Lectern' }),
}, { additionalProperties: false });

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

const Id = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });
const toGreeting = (r: { id: number; message: string; words: number | null; created_by: string | null; created_at: Date }) => ({
  id: String(r.id), message: r.message, words: r.words, createdBy: r.created_by, createdAt: new Date(r.created_at).toISOString(),
});

const getGreeting = defineRoute({
  method: 'GET', path: '/api/v1/hello/greetings/:id', permission: helloPermissions.read, params: Id,
  summary: 'One greeting',
  async handler(req) {
    const row = await req.db('hello_greetings').where({ id: req.params.id }).first();
    if (!row) throw notFound(`greeting ${req.params.id} does not exist`);
    return toGreeting(row);
  },
});

const postGreeting = defineRoute({
  method: 'POST', path: '/api/v1/hello/greetings', permission: helloPermissions.write,
  body: Type.Object({ message: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
  summary: 'Post a greeting',
  async handler(req) {
    const created = await req.transaction(async (tx) => {
      const [row] = await tx.db('hello_greetings').insert({ message: req.body.message, created_by: req.principal?.id }).returning('*');
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
    const latest = await req.db('hello_greetings').orderBy('id', 'desc').first('message');
    return req.page('hello/greeting', { title: greeting, greeting, latest });
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
  migrations: path.join(__dirname, 'migrations'),
  views: path.join(__dirname, 'views'),
  routes: [getGreeting, postGreeting, page],
  jobs: [countWords],
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
