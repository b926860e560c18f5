// What the scale-out and fault tests send and measure: one HTTP call, a load run that can be stopped
// early, a wait for a condition with its duration, and a line of figures in the test log for CI.
import autocannon from 'autocannon';

export type Json = Record<string, unknown>;
export interface Answer { status: number; json: Json; text: string; headers: Headers }

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function call(base: string, method: string, path: string,
  opts: { token?: string; cookie?: string; json?: unknown; csv?: string; timeoutMs?: number } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  let body: string | undefined;
  if (opts.json !== undefined) [headers['content-type'], body] = ['application/json', JSON.stringify(opts.json)];
  if (opts.csv !== undefined) [headers['content-type'], body] = ['text/csv', opts.csv];
  const res = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) as Json : {};
  return { status: res.status, json, text, headers: res.headers };
}

/** The answer's JSON when it has `status`; otherwise throws with the answer. */
export async function expectAnswer(answer: Promise<Answer>, status: number): Promise<Json> {
  const r = await answer;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text.slice(0, 500)}`);
  return r.json;
}

/** Polls `check` every 100 ms and resolves with the ms it took; throws after `timeoutMs`. */
export async function within(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
  return Date.now() - started;
}

/** Signed-in GETs of `url` (autocannon, 10 connections) for up to `seconds`; `stop` ends it early. */
export function loadOn(url: string, token: string, seconds: number): { done: Promise<autocannon.Result>; stop(): void } {
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({ url, connections: 10, duration: seconds, headers: { authorization: `Bearer ${token}` } },
      (err: unknown, result: autocannon.Result) => (err ? reject(err) : resolve(result)));
  });
  return { done, stop: () => instance?.stop() };
}

/** A line of figures in the test log, so CI shows what was measured. */
export function measured(what: string, figures: Record<string, unknown>): void {
  process.stdout.write(`      measured (${what}): ${Object.entries(figures).map(([k, v]) => `${k} ${String(v)}`).join(', ')}\n`);
}
