// The Lectern server the courses benchmark measures, run as a child process (see process.ts): the core
// with the auth and courses plugins (bench-app.ts), in the schema the parent created, migrated and
// seeded (BENCH_SCHEMA); BENCH_PLUGINS may name another plugin set. Callers authenticate with real API tokens through the auth plugin. With
// BENCH_MEMORY_TOKEN and BENCH_MEMORY_USER set, that token also resolves to that user from memory, with
// no query (a reference, not a target). No job workers: HTTP only.
import type { IdentityProvider } from '../core';
import { benchApp, required, serveBenchApp } from './bench-app';

/** Resolves one bearer token to one user without I/O (auth's provider, consulted first, ignores tokens not its own). */
const memoryToken = (token: string, userId: string): IdentityProvider => ({
  resolve: async (req) => (req.headers.authorization === `Bearer ${token}` ? { id: userId, via: 'token' } : null),
});

/** auth and courses; BENCH_PLUGINS names another set (the certificates benchmark adds `certificates`). */
const plugins = () => (process.env.BENCH_PLUGINS || 'auth,courses').split(',');

/** The app the parent migrates and seeds with. */
export const coursesApp = (databaseUrl: string, schema: string, withPlugins = plugins()) => benchApp({ databaseUrl, schema, plugins: withPlugins });

if (require.main === module) {
  serveBenchApp(() => {
    const { BENCH_MEMORY_TOKEN: token, BENCH_MEMORY_USER: userId } = process.env;
    return {
      databaseUrl: required('DATABASE_URL'), schema: required('BENCH_SCHEMA'), plugins: plugins(),
      identity: token && userId ? [memoryToken(token, userId)] : [],
    };
  });
}
