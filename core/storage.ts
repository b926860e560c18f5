// File storage for plugins (`CoreServices.storage`): uploads and generated files kept outside the
// database. The contract is small so an S3-compatible driver (a later plugin) can offer the same; the
// driver here keeps files in a local directory (<dataDir>/files), one subdirectory per plugin, and can
// sweep the temporary files interrupted writes left behind.
// Bytes are streamed, never buffered, so memory stays flat for any size.
import fsp from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { defineService } from './plugin';
import { formatBytes, tooLargeBody } from './http/raw-body';

export interface StoredFile { key: string; size: number; sha256: string }

export interface FileStore {
  /** Stores the bytes under `key` (replacing what was there); more than `maxBytes` is a 413 and stores nothing. */
  put(key: string, source: Readable | Buffer, opts?: { maxBytes?: number }): Promise<StoredFile>;
  /** The size (and the hash, when the driver keeps it), or null when absent. */
  stat(key: string): Promise<{ size: number; sha256?: string } | null>;
  /** The bytes, or those from `start` to `end` inclusive (as HTTP ranges count), or null when absent. */
  get(key: string, range?: { start: number; end?: number }): Promise<Readable | null>;
  /** Removes the file; an absent one is fine. */
  delete(key: string): Promise<void>;
}

/** The storage a plugin resolves writes under its own name: keys of two plugins never collide. */
export const storageService = defineService<FileStore>('core.storage');

/** Segments start with a letter or digit, so no `..`, no `.`, no empty segment and no leading `/`. */
const KEY = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;
const MAX_KEY_LENGTH = 200;

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Where `put` writes first: beside the target (so the rename is atomic), starting with "." (so no key can name it). */
const temporaryOf = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
const TEMPORARY = /^\..+\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes the temporary files that interrupted writes left under `root` (a process killed during an
 * upload), last modified before `before`; returns how many. A write still in progress keeps touching its file.
 */
export async function removeTemporaryFiles(root: string, before: Date): Promise<number> {
  const dir = await fsp.opendir(root, { recursive: true }).catch((err: unknown) => (isMissing(err) ? null : Promise.reject(err)));
  if (!dir) return 0;
  let removed = 0;
  for await (const entry of dir) {
    if (!entry.isFile() || !TEMPORARY.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const stats = await fsp.stat(file).catch((err: unknown) => (isMissing(err) ? null : Promise.reject(err)));
    if (!stats || stats.mtime >= before) continue;
    await fsp.rm(file, { force: true });
    removed += 1;
  }
  return removed;
}

/** A directory of files: `<filesDir>/<plugin>/<key>`, directories 0700 and files 0600. */
export class LocalFileStore implements FileStore {
  constructor(private readonly root: string) {}

  /** Keys come from the plugin's own ids, never from client text: a bad one is a programming error. */
  private pathOf(key: string): string {
    const file = path.resolve(this.root, key);
    if (key.length > MAX_KEY_LENGTH || !KEY.test(key) || !file.startsWith(this.root + path.sep)) {
      throw new Error(`invalid storage key "${key}": lowercase letters, digits, ".", "_", "-" and "/" between segments, at most ${MAX_KEY_LENGTH} characters`);
    }
    return file;
  }

  async put(key: string, source: Readable | Buffer, opts: { maxBytes?: number } = {}): Promise<StoredFile> {
    const file = this.pathOf(key);
    await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = temporaryOf(file);
    const hash = crypto.createHash('sha256');
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (opts.maxBytes !== undefined && size > opts.maxBytes) {
          return done(tooLargeBody(`The file is larger than ${formatBytes(opts.maxBytes)}.`));
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    // Opened before the copy starts, so a refusal in the first chunk cannot race the file's creation.
    const handle = await fsp.open(temporary, 'wx', 0o600);
    try {
      const input = Buffer.isBuffer(source) ? Readable.from([source]) : source;
      await pipeline(input, counted, handle.createWriteStream({ flush: true }));
      await fsp.rename(temporary, file);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fsp.rm(temporary, { force: true });
      throw err;
    }
    return { key, size, sha256: hash.digest('hex') };
  }

  async stat(key: string): Promise<{ size: number } | null> {
    const stats = await fsp.stat(this.pathOf(key)).catch((err: unknown) => (isMissing(err) ? null : Promise.reject(err)));
    return stats?.isFile() ? { size: stats.size } : null;
  }

  async get(key: string, range?: { start: number; end?: number }): Promise<Readable | null> {
    const handle = await fsp.open(this.pathOf(key), 'r').catch((err: unknown) => (isMissing(err) ? null : Promise.reject(err)));
    if (!handle) return null;
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      return null;
    }
    return handle.createReadStream({ start: range?.start, end: range?.end });
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
  }
}
