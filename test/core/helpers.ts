// Small helpers shared by the core tests: which drivers this run uses, and polling for a condition.
export const onPostgres = Boolean(process.env.DATABASE_URL);
export const onRedis = Boolean(process.env.REDIS_URL);

/** Polls `check` until it returns true; resolves with the elapsed milliseconds or rejects at `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000, everyMs = 50): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
