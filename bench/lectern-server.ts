// The Lectern server under test, run as a child process (see process.ts): the core with the example
// "hello" plugin (bench-app.ts), with one greeting row seeded and one user holding the built-in
// `learner` role at system context. Callers authenticate with `Authorization: Bearer $BENCH_TOKEN`,
// resolved by a token identity provider passed through App.create({ identity }).
import { SYSTEM, type IdentityProvider } from '../core';
import hello from '../examples/hello-plugin';
import { required, serveBenchApp } from './bench-app';

const BENCH_USER = 'bench-user';

/** Bearer token → principal, as a token plugin would do it (one map lookup, no I/O). */
function tokenIdentity(tokens: Map<string, string>): IdentityProvider {
  return {
    async resolve(req) {
      const header = req.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer (\S+)$/.exec(header) : null;
      const id = match ? tokens.get(match[1]) : undefined;
      return id ? { id, via: 'token' } : null;
    },
  };
}

serveBenchApp(() => ({
  databaseUrl: required('DATABASE_URL'), schema: required('BENCH_SCHEMA'), plugins: [hello],
  identity: [tokenIdentity(new Map([[required('BENCH_TOKEN'), BENCH_USER]]))],
}), async (app) => {
  // Idempotent seeding: every server of one run shares the schema, so the greeting stays id 1.
  const db = app.database.knex;
  const existing = await db('hello_greetings').orderBy('id').first('id');
  const [row] = existing ? [existing] : await db('hello_greetings').insert({ message: 'Hello from the benchmark' }).returning('id');
  await app.permissions.assign(BENCH_USER, 'learner', SYSTEM);
  return { greetingId: String((row as { id: number }).id) };
});
