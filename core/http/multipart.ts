// A multipart/form-data body (an HTML form with a file input) read up to its first file part: the
// text fields before it, limited and strictly UTF-8, and the file part's stream, left unread for the
// handler. Parts after the file are drained and ignored. busboy parses; this file sets its bounds:
// what comes before the file is small, arrives without pauses, and ends in a file or a clear refusal.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { badRequest, type HttpError } from './errors';
import { clientClosed, formatBytes, stalled, tooLargeBody } from './raw-body';

export interface FormFile { stream: Readable; mimeType: string; filename: string | undefined }

/** The form up to its first file part; `file` is null when the form ended without one. */
export interface FormHead { fields: Record<string, string>; csrf: string | undefined; file: FormFile | null }

export interface Form {
  head: Promise<FormHead>;
  /** Stops reading: the rest of the body stays unread (the connection is then closed). */
  abort(): void;
}

const MAX_FIELDS = 50;
const MAX_FIELD_BYTES = 64 * 1024;
/** The fields with room for their part headers: more before the file is refused. */
const MAX_HEAD_BYTES = MAX_FIELDS * MAX_FIELD_BYTES + 64 * 1024;

const noop = () => undefined;
const fieldError = (name: string, message: string) => badRequest(`The form field ${name} ${message}.`, [{ path: `body.${name}`, message }]);

/** Starts reading `req` as a form; nothing is waited for until `head` is. */
export function openForm(req: IncomingMessage, idleMs: number): Form {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers, defParamCharset: 'utf8',
      // A value busboy cuts at MAX_FIELD_BYTES + 1 was longer than allowed.
      limits: { fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES + 1, files: 1 },
    });
  } catch {
    return { head: Promise.reject(badRequest('The multipart/form-data body has no valid boundary.')), abort: noop };
  }
  // Errors after the head (a form cut short in its file) reach the file's reader, or nobody.
  parser.on('error', noop);
  const abort = () => {
    req.unpipe(parser);
    parser.destroy();
  };

  const head = new Promise<FormHead>((resolve, reject) => {
    const fields = new Map<string, string>();
    let bytes = 0;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (err: HttpError | null, file: FormFile | null = null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData).off('error', onHangUp).off('close', onHangUp);
      parser.off('field', onField).off('fieldsLimit', onFieldsLimit).off('file', onFile).off('close', onClose).off('error', onError);
      if (err) {
        abort();
        return reject(err);
      }
      const csrf = fields.get('_csrf');
      fields.delete('_csrf');
      resolve({ fields: Object.fromEntries(fields), csrf, file });
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => settle(stalled(idleMs)), idleMs);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_HEAD_BYTES) return settle(tooLargeBody(`The form's fields before the file are larger than ${formatBytes(MAX_HEAD_BYTES)}.`));
      arm();
    };
    const onHangUp = () => {
      if (!req.readableEnded) settle(clientClosed());
    };
    const onField = (name: string | undefined, value: string, info: busboy.FieldInfo) => {
      if (name === undefined) return;
      if (info.valueTruncated) return settle(tooLargeBody(`The form field ${name} is larger than ${formatBytes(MAX_FIELD_BYTES)}.`));
      // busboy puts U+FFFD in place of bytes that are not UTF-8.
      if (name.includes('\uFFFD') || value.includes('\uFFFD')) return settle(fieldError(name, 'is not valid UTF-8'));
      if (fields.has(name)) return settle(fieldError(name, 'is given more than once'));
      fields.set(name, value);
    };
    const onFieldsLimit = () => settle(tooLargeBody(`The form has more than ${MAX_FIELDS} fields.`));
    const onFile = (_name: string, stream: Readable, info: busboy.FileInfo) => {
      stream.on('error', noop);
      settle(null, { stream, mimeType: info.mimeType, filename: info.filename });
    };
    const onClose = () => settle(null);
    const onError = () => settle(badRequest('The body is not a valid multipart/form-data form.'));
    req.on('data', onData).on('error', onHangUp).on('close', onHangUp);
    parser.on('field', onField).on('fieldsLimit', onFieldsLimit).on('file', onFile).on('close', onClose).on('error', onError);
    req.pipe(parser);
    arm();
  });
  return { head, abort };
}
