// Bulk user import, part one: staging. A CSV (email,name[,roles][,cohort]) is streamed — from the HTTP
// request or a file — through a UTF-8 check and csv-parse into auth_import_rows, 1,000 rows per insert,
// inside the caller's transaction, never holding the whole file in memory. Anything wrong with the file
// itself (encoding, size, header, malformed CSV) throws an HttpError naming the line, so the transaction
// rolls back and nothing is staged; what is wrong with a single row (a bad email, an unknown role) is
// left to the job (import-batch.ts), which reports it per line. Line numbers are physical lines of the
// file (header = 1), counted here rather than by csv-parse, which counts a quoted CRLF twice.
import { pipeline } from 'node:stream/promises';
import { parse, CsvError, type Options as CsvOptions } from 'csv-parse';
import { badRequest, forbidden, HttpError, type TransactionContext } from 'lectern';

export const IMPORT_COLUMNS = ['email', 'name', 'roles', 'cohort'] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
const REQUIRED: Column[] = ['email', 'name'];
const STAGE_BATCH = 1000;

/** A line that will never be imported, and why. */
export interface LineError { line: number; error: string }

export interface StageOptions {
  /** settings.importMaxBytes: a larger file is refused with 413, after reading at most this much. */
  maxBytes: number;
  /** The Content-Length, when the source declares one: refused before reading anything when too large. */
  declaredBytes?: number;
  createdBy: string | null;
  /** May this file assign roles? (The caller holds roles:manage, or it is the CLI.) */
  mayAssignRoles: boolean;
}

export interface Staged {
  importId: string;
  /** Data lines in the file (blank lines not counted). */
  rows: number;
  /** Physical line number of the last data line. */
  lastLine: number;
  bytes: number;
  /** Lines refused at staging: an email already given on an earlier line. */
  failed: LineError[];
}

interface StagedRow { line: number; email: string; name: string; roles: string | null; cohort: string | null }

export const tooLarge = (maxBytes: number) => new HttpError(413, 'too-large', 'Payload too large',
  `The file is larger than ${maxBytes} bytes (the auth setting importMaxBytes). Split it, or ask an administrator to raise the limit.`,
  undefined, { Connection: 'close' });

const notUtf8 = (why: string) => badRequest(`The file is not UTF-8 text (${why}). Save it as "CSV UTF-8" and upload it again.`,
  [{ path: 'body', message: 'is not UTF-8' }]);

const atLine = (line: number, message: string) => badRequest(`Line ${line}: ${message}`, [{ path: 'body', message: `line ${line}: ${message}` }]);

/** Bytes → text, refusing invalid UTF-8 and anything past maxBytes; a leading BOM is dropped (TextDecoder's default). */
async function* utf8(source: AsyncIterable<Buffer | Uint8Array | string>, maxBytes: number, counted: { bytes: number }): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (bytes?: Uint8Array) => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      throw notUtf8(`invalid byte sequence within the first ${counted.bytes} bytes`);
    }
  };
  try {
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      counted.bytes += bytes.length;
      if (counted.bytes > maxBytes) throw tooLarge(maxBytes);
      const text = decode(bytes);
      if (text) yield text;
    }
  } catch (err) {
    if (err instanceof HttpError) throw err;
    // The client hung up mid-upload (or the file could not be read): not a database problem.
    throw badRequest(`The file could not be read to its end: ${(err as Error).message}`);
  }
  const rest = decode();
  if (rest) yield rest;
}

/** Line breaks in a record's raw text; csv-parse keeps only the first character of the record delimiter. */
function lineBreaks(raw: string): number {
  let n = 0;
  for (let i = raw.indexOf('\n'); i !== -1; i = raw.indexOf('\n', i + 1)) n++;
  for (let i = raw.indexOf('\r'); i !== -1; i = raw.indexOf('\r', i + 1)) if (raw.charCodeAt(i + 1) !== 10) n++;
  return n;
}

const isBlank = (fields: string[]) => fields.every((f) => f.trim() === '');

function headerColumns(fields: string[], line: number): Map<Column, number> {
  const at = new Map<Column, number>();
  fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (!name) throw atLine(line, `column ${i + 1} of the header has no name; the columns are ${IMPORT_COLUMNS.join(', ')}.`);
    if (!(IMPORT_COLUMNS as readonly string[]).includes(name)) {
      throw atLine(line, `unknown column "${raw.trim()}" in the header; the columns are ${IMPORT_COLUMNS.join(', ')} (email and name required).`);
    }
    if (at.has(name as Column)) throw atLine(line, `column "${name}" appears twice in the header.`);
    at.set(name as Column, i);
  });
  const missing = REQUIRED.filter((c) => !at.has(c));
  if (missing.length) throw atLine(line, `the header has no ${missing.map((c) => `"${c}"`).join(' or ')} column (it must name the columns: email,name[,roles][,cohort]).`);
  return at;
}

function csvProblem(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED': return 'a quoted field is never closed.';
    case 'INVALID_OPENING_QUOTE': return 'a quote appears inside an unquoted field (quote the whole field and double the quotes inside it).';
    case 'CSV_INVALID_CLOSING_QUOTE': return 'characters follow the closing quote of a field.';
    case 'CSV_MAX_RECORD_SIZE': return 'a record is longer than 128,000 characters (a quote that is never closed?).';
    default: return `malformed CSV (${err.message}).`;
  }
}

/**
 * Creates an auth_imports row and stages every data line of `source` into auth_import_rows, in `tx`.
 * Throws an HttpError (400, 403, 413) for a file that cannot be imported; the caller's transaction then
 * rolls back, so nothing is left behind.
 */
export async function stageImport(tx: TransactionContext, source: AsyncIterable<Buffer | Uint8Array | string>, opts: StageOptions): Promise<Staged> {
  if (opts.declaredBytes !== undefined && opts.declaredBytes > opts.maxBytes) throw tooLarge(opts.maxBytes);
  const db = tx.db;
  const [created] = await db('auth_imports').insert({ created_by: opts.createdBy }).returning('id');
  const importId = String((created as { id: number }).id);
  const counted = { bytes: 0 };
  let line = 1; // the physical line the next record starts on
  let header: Map<Column, number> | undefined;
  let width = 0;
  let rows = 0;
  let lastLine = 0;

  /** Runs synchronously inside csv-parse, so `line` is exact even when csv-parse fails on the next record. */
  const onRecord = ({ record, raw }: { record: string[]; raw: string }): StagedRow | null => {
    const start = line;
    line += lineBreaks(raw);
    if (raw.includes('\u0000')) throw notUtf8(`line ${start} contains a NUL character; is it UTF-16?`);
    if (isBlank(record)) return null;
    if (!header) {
      header = headerColumns(record, start);
      width = record.length;
      return null;
    }
    if (record.length !== width) throw atLine(start, `${record.length} fields, but the header has ${width}.`);
    const field = (c: Column) => (header?.has(c) ? record[header.get(c) as number].trim() : '');
    const roles = field('roles');
    if (roles && !opts.mayAssignRoles) {
      throw forbidden(`Line ${start} assigns roles; importing roles needs the roles:manage permission. Remove the roles column or ask an administrator.`);
    }
    rows++;
    lastLine = start;
    return { line: start, email: field('email'), name: field('name'), roles: roles || null, cohort: field('cohort') || null };
  };

  const insert = (batch: StagedRow[]) => db.raw(`insert into auth_import_rows (import_id, line, email, name, roles, cohort)
    select ?, r.line, r.email, r.name, r.roles, r.cohort
    from jsonb_to_recordset(?::jsonb) as r(line int, email text, name text, roles text, cohort text)`, [importId, JSON.stringify(batch)]);

  // With `raw`, csv-parse hands on_record `{ record, raw }` (its typings assume the bare record).
  const parser = parse({ raw: true, relax_column_count: true, on_record: onRecord as unknown as CsvOptions['on_record'] });
  try {
    await pipeline(utf8(source, opts.maxBytes, counted), parser, async (records: AsyncIterable<StagedRow>) => {
      let batch: StagedRow[] = [];
      for await (const row of records) {
        batch.push(row);
        if (batch.length >= STAGE_BATCH) {
          await insert(batch);
          batch = [];
        }
      }
      if (batch.length) await insert(batch);
    });
  } catch (err) {
    if (err instanceof CsvError) throw atLine(line, csvProblem(err));
    throw err;
  }
  if (!header) throw badRequest('The file is empty: it needs a header line (email,name[,roles][,cohort]) and at least one data line.', [{ path: 'body', message: 'is empty' }]);
  if (!rows) throw badRequest('The file has a header but no data lines.', [{ path: 'body', message: 'has no data lines' }]);

  // A duplicate email inside the file is a per-line error naming the first line, rather than "the later
  // line updates the earlier": that keeps a re-run of the same file a no-op (created 0, updated 0) and
  // lets every batch of the job treat its emails as distinct. Blank emails are left to the job's check.
  const { rows: duplicates } = await db.raw(`with d as (
      select line, first_value(line) over (partition by lower(email) order by line) as first_line
      from auth_import_rows where import_id = ? and email <> '')
    delete from auth_import_rows r using d
    where r.import_id = ? and r.line = d.line and d.line <> d.first_line
    returning r.line, d.first_line`, [importId, importId]) as { rows: { line: number; first_line: number }[] };
  const failed = duplicates.map((d) => ({ line: Number(d.line), error: `duplicate email: already on line ${d.first_line}` }))
    .sort((a, b) => a.line - b.line);
  await db('auth_imports').where({ id: importId }).update({ total_lines: lastLine, failed: JSON.stringify(failed) });
  return { importId, rows, lastLine, bytes: counted.bytes, failed };
}
