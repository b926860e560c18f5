// A throwaway PostgreSQL schema for one benchmark run: created, handed to the run (with a one-connection
// admin client for checks of its own), and dropped after it — also when the run fails or is interrupted
// (SIGINT / SIGTERM). Every benchmark that runs Lectern on PostgreSQL uses one.
import crypto from 'node:crypto';
import knexFactory, { type Knex } from 'knex';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface ScratchSchema { schema: string; serverVersion: string; admin: Knex }

export async function inScratchSchema<T>(databaseUrl: string, prefix: string, run: (scratch: ScratchSchema) => Promise<T>): Promise<T> {
  const admin = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
  const schema = `${prefix}_${crypto.randomBytes(5).toString('hex')}`;
  let dropping: Promise<unknown> | undefined;
  const drop = () => (dropping ??= admin.raw('drop schema if exists ?? cascade', [schema]));
  const interrupted = () => {
    process.stderr.write(`[bench] interrupted: dropping schema ${schema}\n`);
    drop().finally(() => process.exit(130));
  };
  for (const signal of SIGNALS) process.once(signal, interrupted);
  try {
    const serverVersion = ((await admin.raw('show server_version')) as { rows: { server_version: string }[] }).rows[0].server_version;
    await admin.raw('create schema ??', [schema]);
    return await run({ schema, serverVersion, admin });
  } finally {
    for (const signal of SIGNALS) process.off(signal, interrupted);
    await drop().catch((err: unknown) => process.stderr.write(`[bench] could not drop schema ${schema}: ${String(err)}\n`));
    await admin.destroy();
  }
}
