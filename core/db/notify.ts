// Change notices between instances in milliseconds: PostgreSQL LISTEN/NOTIFY on a dedicated
// connection (kept open, reconnected after a failure), or PGlite's own listen. A notice carries its
// payload (see sync.ts); `null` means "notices may have been missed" (on every (re)connect), and the
// periodic revision poll stays as the fallback for revisions bumped while not listening.
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';

export type Unlisten = () => Promise<void>;
/** `payload` is null when notices may have been missed (just connected or reconnected). */
export type Listen = (onNotice: (payload: string | null) => void) => Promise<Unlisten>;

const RETRY_MS = 2000;

/** One channel per schema, so test systems sharing a database do not wake each other. */
export const channelOf = (schema?: string) => `lectern_changes${schema ? `_${schema}` : ''}`.slice(0, 63);

export function listenPostgres(connectionString: string, channel: string, log?: Logger): Listen {
  return async (onNotice) => {
    let client: pg.Client | undefined;
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    const connect = async (): Promise<void> => {
      const c = new pg.Client({ connectionString });
      client = c;
      // Without an error listener a lost connection would crash the process.
      c.on('error', (err) => { log?.warn({ err }, 'change notices: connection lost; retrying'); reconnect(); });
      c.on('end', () => reconnect());
      c.on('notification', (message) => onNotice(message.payload ?? ''));
      try {
        await c.connect();
        await c.query(`listen "${channel}"`);
        if (stopped) await c.end();
        else onNotice(null); // catch up on anything missed while not listening
      } catch (err) {
        log?.warn({ err }, 'change notices: cannot listen; retrying');
        reconnect();
      }
    };
    const reconnect = () => {
      const c = client;
      client = undefined;
      c?.removeAllListeners('end');
      c?.end().catch(() => undefined);
      if (stopped || retry) return;
      retry = setTimeout(() => { retry = undefined; void connect(); }, RETRY_MS);
      retry.unref();
    };
    await connect();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      c?.removeAllListeners('end');
      await c?.end().catch(() => undefined);
    };
  };
}

export function listenPglite(pglite: PGlite, channel: string): Listen {
  return async (onNotice) => pglite.listen(channel, (payload) => onNotice(payload));
}
