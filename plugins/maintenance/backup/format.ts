// The backup file format (docs/maintenance.md "Backups"): a gzip'd stream of JSON lines. A header line,
// then each table as a start line, its rows (`{"r":<row as PostgreSQL's row_to_json gives it>}`) and an
// end line with its row count, then each stored file as a start line, base64 chunks (`{"b":"…"}`) and an
// end line with its size and SHA-256, then a trailer line with the row counts and the SHA-256 of every
// byte before it. Rows stay PostgreSQL's own JSON text from the backup to the restore's
// json_populate_recordset: no value is ever converted by JavaScript (int8, numeric, timestamps keep every digit).
import fs from 'node:fs';
import zlib from 'node:zlib';

export const FORMAT = 'lectern-backup';
export const FORMAT_VERSION = 1;

export interface TableInfo { name: string; columns: { name: string; type: string }[] }
export interface SequenceInfo { name: string; table: string | null; column: string | null; value: number }

export interface Header {
  t: 'header';
  format: string;
  formatVersion: number;
  lecternVersion: string;
  createdAt: string;
  driver: string;
  /** Every migration applied to the database, in the order the code runs them. */
  migrations: string[];
  tables: TableInfo[];
  sequences: SequenceInfo[];
}

export interface Trailer {
  t: 'trailer';
  rows: Record<string, number>;
  files: number;
  fileBytes: number;
  /** SHA-256 (hex) of every byte of the uncompressed stream before this line. */
  sha256: string;
}

/** The line kinds besides rows and file chunks. */
export type Control =
  | Header
  | { t: 'table'; name: string }
  | { t: 'tableEnd'; name: string; rows: number }
  | { t: 'file'; path: string }
  | { t: 'fileEnd'; path: string; size: number; sha256: string }
  | Trailer;

export const ROW_PREFIX = '{"r":';
export const CHUNK_PREFIX = '{"b":"';
/** Raw bytes per file chunk line (64 KB of base64). */
export const CHUNK_BYTES = 48 * 1024;

export const rowLine = (rowJson: string) => `${ROW_PREFIX}${rowJson}}\n`;
export const controlLine = (c: Control) => `${JSON.stringify(c)}\n`;

/** The lines of a backup file, decompressed, as raw bytes without their "\n"; gzip damage throws. */
export async function* backupLines(file: string): AsyncGenerator<Buffer> {
  const input = fs.createReadStream(file).pipe(zlib.createGunzip());
  let rest: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      let start = 0;
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        yield data.subarray(start, nl);
        start = nl + 1;
      }
      rest = data.subarray(start);
    }
  } finally {
    input.destroy();
  }
  if (rest.length) throw new Error('its last line is cut short');
}

const ROW_BYTES = Buffer.from(ROW_PREFIX);
const CHUNK_START = Buffer.from(CHUNK_PREFIX);
export const isRow = (line: Buffer) => line.subarray(0, ROW_BYTES.length).equals(ROW_BYTES);
export const isChunk = (line: Buffer) => line.subarray(0, CHUNK_START.length).equals(CHUNK_START);
/** A row line's row JSON, as text, without parsing it. */
export const rowOf = (line: Buffer) => line.subarray(ROW_PREFIX.length, line.length - 1).toString();
/** A chunk line's bytes. */
export const chunkOf = (line: Buffer) => Buffer.from(line.subarray(CHUNK_PREFIX.length, line.length - 2).toString(), 'base64');
