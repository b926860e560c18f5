// A raw request body (e.g. a CSV upload) read whole into memory before any work starts, so nothing —
// above all no database connection — waits on a slow client. Too large is a 413 showing the limit; a
// client that stops sending for `idleTimeoutMs` gets a 408. Either closes the connection.
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

const IDLE_TIMEOUT_MS = 30_000;
const CLOSE = { Connection: 'close' };

/** 2048 → "2 KB", 5242880 → "5 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const [value, unit] = n < 1024 * 1024 ? [n / 1024, 'KB'] : [n / (1024 * 1024), 'MB'];
  return `${Number(value.toFixed(1))} ${unit}`;
}

const tooLarge = (limits: RawBodyLimits) => {
  const where = limits.limitName ? ` (${limits.limitName})` : '';
  const err = payloadTooLarge(`The file is larger than ${formatBytes(limits.maxBytes)}${where}. Split it, or ask an administrator to raise the limit.`);
  return new HttpError(err.status, err.slug, err.title, err.detail, undefined, CLOSE);
};

const stalled = (seconds: number) => new HttpError(408, 'request-timeout', 'Request timeout',
  `The upload stopped: nothing arrived for ${seconds} seconds. Send it again.`, undefined, CLOSE);

export async function readRawBody(req: IncomingMessage, limits: RawBodyLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limits.maxBytes) throw tooLarge(limits);
  const idleMs = limits.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: HttpError | null) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (err) {
        req.pause();
        reject(err);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(stalled(Math.round(idleMs / 1000))), idleMs);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) return finish(tooLarge(limits));
      chunks.push(chunk);
      arm();
    };
    const onEnd = () => finish(null);
    const onError = (err: Error) => finish(new HttpError(400, 'invalid-input', 'Invalid input', `The upload could not be read to its end: ${err.message}`, undefined, CLOSE));
    const onClose = () => onError(new Error('the client hung up'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    arm();
  });
}
