// CSV uploads (bulk imports), one way for every plugin: the whole body is received first, within its
// size limit and idle timeout, then checked — UTF-8, no NUL characters, well-formed CSV, a header and at
// least one data line — and only then handed to the plugin as records with their line numbers. So a
// plugin opens its transaction after the client is done, never while waiting on it. Line numbers are
// physical lines of the file (header = 1), counted here rather than by csv-parse, which counts a quoted
// CRLF twice.
import { parse, CsvError, type Options as CsvOptions } from 'csv-parse/sync';
import { badRequest, unsupportedMediaType } from './errors';
import type { RouteRequest } from './route';
import { strictUtf8, UTF8_CHARSETS, type RawBodyLimits } from './raw-body';

/** One record of the file: its fields as written, and the line it starts on. */
export interface CsvRecord { line: number; fields: string[] }

/** `H`: the header as the plugin's check makes it (e.g. its columns). */
export interface CsvFile<H> {
  header: H;
  /** The data records, blank lines left out. */
  records: CsvRecord[];
  bytes: number;
}

export interface CsvReadOptions<H> {
  /** The columns as the file's first line names them, for messages (e.g. `email,name[,roles][,cohort]`). */
  columns: string;
  /** Checks the header line (throwing a 4xx for a wrong one) and gives what the plugin needs of it. */
  header(record: CsvRecord): H;
}

/** Receives a text/csv upload whole (413, 408, 415 for another charset), then reads it as `parseCsv` does. */
export async function receiveCsv<H>(req: RouteRequest, limits: RawBodyLimits, opts: CsvReadOptions<H>): Promise<CsvFile<H>> {
  const { bytes, charset } = await req.rawBody(limits);
  if (charset && !UTF8_CHARSETS.has(charset)) throw unsupportedMediaType('Send the CSV as UTF-8 (text/csv; charset=utf-8).');
  return parseCsv(bytes, opts);
}

const notUtf8 = (why: string) => badRequest(`The file is not UTF-8 text (${why}). Save it as "CSV UTF-8" and upload it again.`,
  [{ path: 'body', message: 'is not UTF-8' }]);

/** A 400 about one line of the file. */
export const atLine = (line: number, message: string) => badRequest(`Line ${line}: ${message}`, [{ path: 'body', message: `line ${line}: ${message}` }]);

/** The records of a CSV file; throws a 400 naming the line for anything that makes the file unreadable. */
export function parseCsv<H>(bytes: Buffer, opts: CsvReadOptions<H>): CsvFile<H> {
  const records = recordsOf(utf8(bytes));
  const [first, ...rest] = records;
  if (!first) throw badRequest(`The file is empty: its first line must name the columns (${opts.columns}), and data lines follow.`, [{ path: 'body', message: 'is empty' }]);
  const header = opts.header(first);
  if (!rest.length) throw badRequest('The file has a header but no data lines.', [{ path: 'body', message: 'has no data lines' }]);
  return { header, records: rest, bytes: bytes.length };
}

function utf8(bytes: Buffer): string {
  try {
    return strictUtf8(bytes);
  } catch {
    throw notUtf8('an invalid byte sequence');
  }
}

function recordsOf(text: string): CsvRecord[] {
  let line = 1; // the physical line the next record starts on
  const onRecord = ({ record, raw }: { record: string[]; raw: string }): CsvRecord | null => {
    const start = line;
    line += lineBreaks(raw);
    if (raw.includes('\u0000')) throw notUtf8(`line ${start} contains a NUL character; is it UTF-16?`);
    return record.every((f) => f.trim() === '') ? null : { line: start, fields: record };
  };
  try {
    // With `raw`, csv-parse hands on_record `{ record, raw }` (its typings assume the bare record).
    return parse(text, { raw: true, relax_column_count: true, max_record_size: 128_000, on_record: onRecord as unknown as CsvOptions['on_record'] }) as unknown as CsvRecord[];
  } catch (err) {
    if (err instanceof CsvError) throw atLine(line, csvProblem(err));
    throw err;
  }
}

/** Line breaks in a record's raw text; csv-parse keeps only the first character of the record delimiter. */
function lineBreaks(raw: string): number {
  let n = 0;
  for (let i = raw.indexOf('\n'); i !== -1; i = raw.indexOf('\n', i + 1)) n++;
  for (let i = raw.indexOf('\r'); i !== -1; i = raw.indexOf('\r', i + 1)) if (raw.charCodeAt(i + 1) !== 10) n++;
  return n;
}

function csvProblem(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED': return 'a quoted field is never closed.';
    case 'INVALID_OPENING_QUOTE': return 'a quote appears inside an unquoted field (quote the whole field and double the quotes inside it).';
    case 'CSV_INVALID_CLOSING_QUOTE': return 'characters follow the closing quote of a field.';
    case 'CSV_MAX_RECORD_SIZE': return 'a record is longer than 128,000 characters (a quote that is never closed?).';
    default: return `malformed CSV (${err.code}).`;
  }
}

/** `items` in slices of `size` (staging inserts). */
export function* batches<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
