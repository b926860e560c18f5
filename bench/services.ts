// The versions of the services a benchmark run talks to, for its report: PostgreSQL at DATABASE_URL and
// Redis at REDIS_URL (default redis://127.0.0.1:6379). A service that does not answer is reported as such.
import knexFactory from 'knex';
import { Redis } from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function benchRedisUrl(): string {
  return process.env.REDIS_URL || DEFAULT_REDIS_URL;
}

export async function postgresVersion(databaseUrl: string): Promise<string> {
  const db = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
  try {
    const { rows } = await db.raw('show server_version') as { rows: { server_version: string }[] };
    return rows[0].server_version;
  } catch (err) {
    return `not answering (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    await db.destroy();
  }
}

export async function redisVersion(redisUrl: string): Promise<string> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true, connectTimeout: 3000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return /^redis_version:(\S+)/m.exec(await redis.info('server'))?.[1] ?? 'unknown';
  } catch (err) {
    return `not answering (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    redis.disconnect();
  }
}
