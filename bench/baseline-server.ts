// The two baseline servers every benchmark compares against, run as a child process (see process.ts):
//   koa-hello    bare Koa answering { ok: true } — the ceiling of Node + Koa on this machine;
//   koa-select1  bare Koa running `SELECT 1` through knex + pg (pool max 10) per request, then { ok: true }
//                — the ceiling of any route that touches PostgreSQL once.
// No router, no logging, no middleware: anything Lectern adds shows up as the distance to these.
// Usage (through forkServer): node baseline-server.js koa-hello|koa-select1   (DATABASE_URL for koa-select1)
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import Koa from 'koa';
import knexFactory from 'knex';
import { serveUntilStopped } from './process';

export type BaselineKind = 'koa-hello' | 'koa-select1';

function listen(koa: Koa): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(koa.callback());
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

serveUntilStopped(async () => {
  const kind = process.argv[2];
  const koa = new Koa();
  if (kind === 'koa-hello') {
    koa.use((ctx) => { ctx.body = { ok: true }; });
    const server = await listen(koa);
    return { port: (server.address() as AddressInfo).port, close: () => closeServer(server) };
  }
  if (kind === 'koa-select1') {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error('koa-select1 needs DATABASE_URL');
    const knex = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 10 }, acquireConnectionTimeout: 5000 });
    await knex.raw('select 1');
    koa.use(async (ctx) => {
      await knex.raw('select 1');
      ctx.body = { ok: true };
    });
    const server = await listen(koa);
    return {
      port: (server.address() as AddressInfo).port,
      close: async () => { await closeServer(server); await knex.destroy(); },
    };
  }
  throw new Error(`unknown baseline "${String(kind)}" (koa-hello or koa-select1)`);
});
