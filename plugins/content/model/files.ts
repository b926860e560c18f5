// Files of file and video content. An upload is streamed into the core's storage before any database
// work (no connection waits on a client), checked — allowed type, bytes matching the type, size — and
// only then recorded as a new draft version; anything refused leaves nothing stored. Serving answers
// whole files and single byte ranges (video seeking) from a key this plugin made, never a client's path.
import crypto from 'node:crypto';
import {
  badRequest, conflict, CoreServices, HttpError, Reply, unsupportedMediaType, type FileStore, type SignedInRequest,
} from 'lectern';
import { contentSettings } from '../settings';
import { addVersion, contentOf, refuseInReview } from '../actions/versions';
import { itemRow, loadContent, versionRow } from './items';
import { isInline, matchesType, SNIFF_BYTES } from './media';
import type { VersionRow } from './rows';

const MAX_NAME = 200;

/** The last path segment of what the client called the file, without control characters; never used as a path. */
export function cleanFileName(name: string | null): string {
  const base = (name ?? '').split(/[\\/]/).pop()?.replace(/[\u0000-\u001f\u007f"]/g, '').trim() ?? '';
  return (base && base !== '.' && base !== '..' ? base : 'file').slice(0, MAX_NAME);
}

async function head(files: FileStore, key: string): Promise<Buffer> {
  const stream = await files.get(key, { start: 0, end: SNIFF_BYTES - 1 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream ?? []) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function uploadFile(req: SignedInRequest, id: string) {
  const item = await itemRow(req.db, id);
  if (item.type !== 'file' && item.type !== 'video') throw conflict(`content ${id} is a ${item.type}; only files and videos take an upload`);
  refuseInReview(item);
  const settings = await req.settings(contentSettings);
  const upload = await req.upload({ maxBytes: settings.maxUploadBytes, limitName: 'the content setting maxUploadBytes', idleTimeoutMs: settings.uploadIdleSeconds * 1000 });
  if (!settings.allowedMediaTypes.includes(upload.mediaType) || (item.type === 'video' && !upload.mediaType.startsWith('video/'))) {
    upload.stream.resume();
    throw unsupportedMediaType(`Files of type ${upload.mediaType || '(none)'} are not accepted here. Accepted: ${settings.allowedMediaTypes.filter((t) => item.type !== 'video' || t.startsWith('video/')).join(', ')}.`);
  }
  const files = req.resolve(CoreServices.storage);
  const key = `items/${id}/${crypto.randomBytes(12).toString('hex')}`;
  const stored = await files.put(key, upload.stream, { maxBytes: settings.maxUploadBytes });
  try {
    if (!matchesType(upload.mediaType, await head(files, key))) {
      throw badRequest(`The file's content is not ${upload.mediaType}.`, [{ path: 'body.file', message: `does not hold ${upload.mediaType} data` }]);
    }
    const name = cleanFileName(upload.fileName);
    const note = upload.fields.note?.trim().slice(0, 2000) || `Uploaded ${name}`;
    return await req.transaction(async (tx) => {
      const locked = await itemRow(tx.db, id, { forUpdate: true });
      const latest = contentOf(await versionRow(tx.db, id, locked.latest_version));
      const file = { file_key: key, file_name: name, file_size: stored.size, media_type: upload.mediaType, sha256: stored.sha256 };
      const version = await addVersion(tx, locked, { ...latest, ...file }, { authorId: req.principal.id, note, now: req.now() });
      await tx.audit({ action: 'content.upload', target: { type: 'content', id }, details: { version, name, size: stored.size, mediaType: upload.mediaType, sha256: stored.sha256 } });
      return loadContent(tx.db, id);
    });
  } catch (err) {
    await files.delete(key);
    throw err;
  }
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` (one range); null for none or several (the whole file is sent). */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? 'unsatisfiable' : { start, end };
}

/** Answers the version's file, whole or the asked range; `whole` says if the answer starts at byte 0. */
export async function serveFile(req: SignedInRequest, v: Pick<VersionRow, 'number' | 'file_key' | 'file_name' | 'file_size' | 'media_type' | 'sha256'>): Promise<{ reply: Reply; fromStart: boolean }> {
  const size = Number(v.file_size);
  const range = parseRange(req.header('range'), size);
  if (range === 'unsatisfiable') {
    throw new HttpError(416, 'range-not-satisfiable', 'Range not satisfiable', `The file has ${size} bytes.`, undefined, { 'Content-Range': `bytes */${size}` });
  }
  const stream = await req.resolve(CoreServices.storage).get(v.file_key as string, range ?? undefined);
  if (!stream) throw conflict(`The file of version ${v.number} is missing from storage; upload it again.`);
  const mediaType = v.media_type as string;
  const name = v.file_name as string;
  const headers: Record<string, string> = {
    // Set as a header, not a type, so the type stays as stored (Koa would add a charset nobody declared).
    'Content-Type': mediaType,
    'Content-Disposition': `${isInline(mediaType) ? 'inline' : 'attachment'}; filename="${name.replace(/[^\x20-\x7e]/g, '_').replace(/\\/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'Content-Length': String(range ? range.end - range.start + 1 : size),
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'private, no-store',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    ETag: `"${v.sha256}"`,
  };
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
  return { reply: new Reply(range ? 206 : 200, stream, headers), fromStart: !range || range.start === 0 };
}
