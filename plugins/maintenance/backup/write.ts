// Writing a backup file: every table of the schema read in ONE read-only REPEATABLE READ transaction (one
// snapshot, on PostgreSQL and PGlite alike) through a cursor, a page at a time, then every stored file
// under the files directory — all streamed through gzip into a temporary file that is renamed into
// place only when complete. Memory stays flat for any size; the file's size and SHA-256 come from the
// bytes as they are written.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'lectern';
import { CHUNK_BYTES, CHUNK_PREFIX, controlLine, FORMAT, FORMAT_VERSION, rowLine, type Header, type TableInfo } from './format';
import { sequences, tables } from './catalog';

/** Rows fetched from the cursor at a time. */
const PAGE = 2000;
const CURSOR = 'lectern_backup';

export interface WriteOptions {
  db: Knex;
  filesDir: string;
  lecternVersion: string;
  driver: string;
  now: Date;
}

export interface Written { size: number; sha256: string; rows: Record<string, number>; files: number; fileBytes: number }

/** Writes the backup to `file` (atomically: a temporary file beside it, renamed at the end). */
export async function writeBackup(file: string, opts: WriteOptions): Promise<Written> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fileHash = crypto.createHash('sha256');
  let size = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      fileHash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const summary = { rows: {} as Record<string, number>, files: 0, fileBytes: 0 };
  try {
    await pipeline(
      Readable.from(hashed(content(opts, summary))), zlib.createGzip({ level: 6 }), counted,
      fs.createWriteStream(temporary, { flags: 'wx', mode: 0o600, flush: true }),
    );
    await fsp.rename(temporary, file);
  } catch (err) {
    await fsp.rm(temporary, { force: true });
    throw err;
  }
  return { size, sha256: fileHash.digest('hex'), ...summary };
}

/** The content's bytes, followed by the trailer line that holds their SHA-256. */
async function* hashed(lines: AsyncGenerator<Buffer, Omit<Written, 'size' | 'sha256'>>): AsyncGenerator<Buffer> {
  const hash = crypto.createHash('sha256');
  for (;;) {
    const next = await lines.next();
    if (next.done) {
      yield Buffer.from(controlLine({ t: 'trailer', ...next.value, sha256: hash.digest('hex') }));
      return;
    }
    hash.update(next.value);
    yield next.value;
  }
}

async function* content(opts: WriteOptions, summary: Omit<Written, 'size' | 'sha256'>): AsyncGenerator<Buffer, Omit<Written, 'size' | 'sha256'>> {
  yield* databaseContent(opts, summary.rows);
  yield* filesContent(opts.filesDir, summary);
  return summary;
}

async function* databaseContent(opts: WriteOptions, counts: Record<string, number>): AsyncGenerator<Buffer> {
  const trx = await opts.db.transaction();
  try {
    await trx.raw('set transaction isolation level repeatable read, read only');
    const list = await tables(trx);
    const migrations = list.some((t) => t.name === 'core_migrations')
      ? ((await trx.raw('select id from core_migrations')) as { rows: { id: string }[] }).rows.map((r) => r.id)
      : [];
    const header: Header = {
      t: 'header', format: FORMAT, formatVersion: FORMAT_VERSION, lecternVersion: opts.lecternVersion,
      createdAt: opts.now.toISOString(), driver: opts.driver, migrations, tables: list, sequences: await sequences(trx),
    };
    yield Buffer.from(controlLine(header));
    for (const table of list) {
      yield Buffer.from(controlLine({ t: 'table', name: table.name }));
      let rows = 0;
      await trx.raw(`declare ${CURSOR} no scroll cursor for select ${rowJson(table)} as r from ?? t`, [...jsonColumns(table).flatMap((c) => [c, c]), table.name]);
      for (;;) {
        const page = ((await trx.raw(`fetch forward ${PAGE} from ${CURSOR}`)) as { rows: { r: string }[] }).rows;
        if (page.length) yield Buffer.from(page.map((p) => rowLine(p.r)).join(''));
        rows += page.length;
        if (page.length < PAGE) break;
      }
      await trx.raw(`close ${CURSOR}`);
      counts[table.name] = rows;
      yield Buffer.from(controlLine({ t: 'tableEnd', name: table.name, rows }));
    }
  } finally {
    // Read only: nothing to keep or undo; ending it frees the connection (PGlite's only one).
    await trx.commit().catch(() => undefined);
  }
}

const JSON_TYPES = new Set(['json', 'jsonb']);
export const jsonColumns = (table: TableInfo) => table.columns.filter((c) => JSON_TYPES.has(c.type)).map((c) => c.name);

/**
 * A row as JSON text. json and jsonb values are written as their text (a JSON string), so a JSON null
 * stays distinct from SQL NULL and a json value keeps its exact text.
 */
function rowJson(table: TableInfo): string {
  const json = jsonColumns(table);
  if (!json.length) return 'row_to_json(t)::text';
  return `(to_jsonb(t) || jsonb_build_object(${json.map(() => '?::text, t.??::text').join(', ')}))::text`;
}

/** Every file under the files directory (`<plugin>/<key>`), skipping storage's in-progress temporary files (names starting with "."). */
async function* filesContent(filesDir: string, summary: { files: number; fileBytes: number }): AsyncGenerator<Buffer> {
  for (const relative of await storedFiles(filesDir)) {
    yield Buffer.from(controlLine({ t: 'file', path: relative }));
    const hash = crypto.createHash('sha256');
    let size = 0;
    for await (const chunk of fs.createReadStream(path.join(filesDir, relative), { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
      yield Buffer.from(`${CHUNK_PREFIX}${chunk.toString('base64')}"}\n`);
    }
    summary.files += 1;
    summary.fileBytes += size;
    yield Buffer.from(controlLine({ t: 'fileEnd', path: relative, size, sha256: hash.digest('hex') }));
  }
}

/** Paths relative to `dir`, with "/" between segments, in a stable order. */
export async function storedFiles(dir: string): Promise<string[]> {
  if (!fs.existsSync(dir)) return [];
  const entries = await fsp.readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).some((s) => s.startsWith('.')))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}
