// Files sent to a `rawBody` route, streamed instead of read whole (raw-body.ts reads bodies into
// memory): a 50 MB video goes from the socket into storage chunk by chunk, within a size limit, and
// no database connection waits while the client sends. The body is the file itself, or an HTML form
// (multipart/form-data, multipart.ts) read up to its file part. The server may open a form before the
// handler to find its `_csrf` field; the handler then gets that same parse. What the handler leaves
// unread is dropped with the connection, so no client is left hanging and nothing leaks.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { badRequest } from './errors';
import { openForm, type Form, type FormHead } from './multipart';
import { clientClosed, fileTooLarge, IDLE_TIMEOUT_MS, stalled, type RawBodyLimits } from './raw-body';

export interface Upload {
  /**
   * The file's bytes as they arrive. Errors with a 413 HttpError (connection closed, see tooLargeBody
   * in raw-body.ts) past maxBytes, 408 when the client sends nothing for idleTimeoutMs, clientClosed
   * when it hangs up.
   */
  stream: Readable;
  /** The declared media type of the file, lowercased without parameters: the part's Content-Type for multipart, else the request's. */
  mediaType: string;
  /**
   * The file name the client gave (multipart filename, or the filename of a Content-Disposition
   * request header), reduced to its last path segment; null when none. Never trusted as a path.
   */
  fileName: string | null;
  /** Text fields of a multipart form that came before the file part (`_csrf` removed). Empty for a raw body. */
  fields: Record<string, string>;
}

const MULTIPART = 'multipart/form-data';
const noop = () => undefined;

/** `text/CSV; charset=utf-8` → `text/csv`. */
const mediaTypeOf = (contentType: string | undefined) => (contentType ?? '').split(';')[0].trim().toLowerCase();

/** The body of one `rawBody` request, opened as an upload at most once. */
export class UploadBody {
  private form: Form | undefined;
  private stream: Readable | undefined;
  private opened = false;

  constructor(private readonly req: IncomingMessage) {}

  /** The `_csrf` field of a multipart form, read up to the file part (for the server's check before the handler). */
  async csrfField(): Promise<string | undefined> {
    return (await this.head()).csrf;
  }

  async open(limits: RawBodyLimits): Promise<Upload> {
    if (this.opened) throw new Error('req.upload() was already called for this request');
    this.opened = true;
    const contentType = this.req.headers['content-type'];
    if (mediaTypeOf(contentType) !== MULTIPART) {
      if (Number(this.req.headers['content-length'] ?? 0) > limits.maxBytes) throw fileTooLarge(limits);
      if (this.req.destroyed) throw clientClosed();
      this.stream = limited(this.req, this.req, limits, () => this.req.pause());
      const fileName = dispositionFileName(this.req.headers['content-disposition']);
      return { stream: this.stream, mediaType: mediaTypeOf(contentType), fileName, fields: {} };
    }
    const { fields, file } = await this.head(limits.idleTimeoutMs);
    if (!file) throw badRequest('The form has no file: choose one.', [{ path: 'body.file', message: 'is required' }]);
    this.stream = limited(file.stream, this.req, limits, () => this.form?.abort());
    return { stream: this.stream, mediaType: file.mimeType.toLowerCase(), fileName: lastSegment(file.filename), fields };
  }

  /**
   * After the handler: a body it left unread (an unread stream, one it stopped reading, a form whose
   * CSRF check failed) is not read any further. Returns whether the answer must close the connection:
   * when some of the body has not even arrived.
   */
  close(): boolean {
    this.stream?.destroy();
    this.form?.abort();
    return !this.req.complete && (this.form !== undefined || this.stream !== undefined);
  }

  private head(idleMs = IDLE_TIMEOUT_MS): Promise<FormHead> {
    this.form ??= openForm(this.req, idleMs);
    return this.form.head;
  }
}

/**
 * `source` as it arrives, within `limits`. The idle timer runs only while the reader waits for bytes,
 * so a slow reader is not taken for a slow client. `stop` leaves the rest of the body unread.
 */
function limited(source: Readable, req: IncomingMessage, limits: RawBodyLimits, stop: () => void): Readable {
  const idleMs = limits.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => out.destroy(stalled(idleMs)), idleMs);
  };
  const onData = (chunk: Buffer) => {
    clearTimeout(timer);
    size += chunk.length;
    if (size > limits.maxBytes) return out.destroy(fileTooLarge(limits));
    if (out.push(chunk)) arm();
    else source.pause();
  };
  const onEnd = () => {
    clearTimeout(timer);
    out.push(null);
  };
  const onHangUp = () => {
    if (!req.readableEnded) out.destroy(clientClosed());
  };
  const onBroken = () => out.destroy(badRequest('The multipart/form-data body ends inside its file.'));
  const out = new Readable({
    read() {
      arm();
      source.resume();
    },
    destroy(err, done) {
      clearTimeout(timer);
      source.off('data', onData).off('end', onEnd).off('error', onBroken);
      req.off('error', onHangUp).off('close', onHangUp);
      if (!out.readableEnded) stop();
      done(err);
    },
  });
  // A client that hangs up before the handler reads must not crash the process: readers still get the error.
  out.on('error', noop);
  source.pause().on('data', onData).on('end', onEnd);
  if (source !== req) source.on('error', onBroken);
  req.on('error', onHangUp).on('close', onHangUp);
  return out;
}

/** The file name of a Content-Disposition header: `filename*=UTF-8''…` (RFC 8187) first, else `filename=`. */
function dispositionFileName(header: string | undefined): string | null {
  const extended = header && /;\s*filename\*\s*=\s*utf-8'[^']*'([^;\s]+)/i.exec(header);
  if (extended) {
    try {
      return lastSegment(decodeURIComponent(extended[1]));
    } catch { /* a bad escape: fall back to the plain name */ }
  }
  const plain = header && /;\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  return plain ? lastSegment(plain[1]?.replace(/\\(.)/g, '$1') ?? plain[2]) : null;
}

/** `C:\Users\me\clip.mp4` or `../../clip.mp4` → `clip.mp4`, without control characters; null when nothing is left. */
function lastSegment(name: string | undefined): string | null {
  const segment = name?.split(/[/\\]/).pop()?.replace(/[\x00-\x1f\x7f]/g, '').trim();
  return segment && segment !== '.' && segment !== '..' ? segment : null;
}
