// A request body (a CSV upload, and the JSON and form bodies of every route: input.ts) read whole into
// memory before any work starts, so nothing — above all no database connection — waits on a slow
// client. Too large is a 413 showing the limit; a client that stops sending for `idleTimeoutMs` gets
// a 408. Either closes the connection. A client that hangs up midway is `clientClosed`, which the
// server logs as such (never as an outage). Text must be UTF-8: `strictUtf8` refuses anything else.
// Files are streamed instead (upload.ts), with the same limits and refusals.
import type { IncomingMessage } from 'node:http';
import { HttpError, payloadTooLarge } from './errors';

export interface RawBodyLimits {
  maxBytes: number;
  /** Where the limit is set, shown in the 413 (e.g. "the auth setting importMaxBytes"). */
  limitName?: string;
  /** How long the client may send nothing (default 30 s). */
  idleTimeoutMs?: number;
}

export interface RawBody {
  bytes: Buffer;
  /** The charset of the Content-Type, lowercased, when one is given. */
  charset?: string;
}

export const IDLE_TIMEOUT_MS = 30_000;
const CLOSE = { Connection: 'close' };

/** 2048 → "2 KB", 5242880 → "5 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const [value, unit] = n < 1024 * 1024 ? [n / 1024, 'KB'] : [n / (1024 * 1024), 'MB'];
  return `${Number(value.toFixed(1))} ${unit}`;
}

/** A 413 that closes the connection, so the rest of the body is not read. */
export const tooLargeBody = (detail: string) => {
  const err = payloadTooLarge(detail);
  return new HttpError(err.status, err.slug, err.title, err.detail, undefined, CLOSE);
};

/** A file over `limits.maxBytes`: a 413 naming the limit, closing the connection. */
export const fileTooLarge = (limits: RawBodyLimits) => tooLargeBody(
  `The file is larger than ${formatBytes(limits.maxBytes)}${limits.limitName ? ` (${limits.limitName})` : ''}. Split it, or ask an administrator to raise the limit.`);

/** The charsets a Content-Type may name for UTF-8 text. */
export const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/** Bytes → text, throwing on an invalid sequence; a leading BOM is dropped (TextDecoder's default). */
export function strictUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

const CLIENT_CLOSED = 'client-closed';
/** The client hung up before its body arrived; nobody reads this answer. */
export const clientClosed = () => new HttpError(400, CLIENT_CLOSED, 'Client closed the request', 'The request ended before its body arrived.');
export const isClientClosed = (err: unknown) => err instanceof HttpError && err.slug === CLIENT_CLOSED;

/** A 408 for a client that sent nothing for `idleMs`, closing the connection. */
export const stalled = (idleMs: number) => new HttpError(408, 'request-timeout', 'Request timeout',
  `The upload stopped: nothing arrived for ${Number((idleMs / 1000).toFixed(1))} seconds. Send it again.`, undefined, CLOSE);

export function readRawBody(req: IncomingMessage, limits: RawBodyLimits): Promise<Buffer> {
  return readBytes(req, limits.maxBytes, () => fileTooLarge(limits), limits.idleTimeoutMs);
}

/** The whole body, or `tooLarge()` past `maxBytes`, 408 when the client stalls, `clientClosed()` when it hangs up. */
export async function readBytes(req: IncomingMessage, maxBytes: number, tooLarge: () => HttpError, idleMs = IDLE_TIMEOUT_MS): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLarge();
  if (req.destroyed) throw clientClosed();
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: HttpError | null) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onError);
      if (err) {
        req.pause();
        reject(err);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(stalled(idleMs)), idleMs);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return finish(tooLarge());
      chunks.push(chunk);
      arm();
    };
    const onEnd = () => finish(null);
    const onError = () => finish(clientClosed());
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onError);
    arm();
  });
}
