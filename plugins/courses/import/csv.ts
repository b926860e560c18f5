// Reading an enrollment CSV as it streams in: at most `maxBytes` (413), UTF-8 only (400), a header
// line naming the columns email[,role][,dueAt] in any order (400), and well-formed CSV (400 with the
// line). Rows come out in batches, with their line numbers, for staging.
import { Transform, pipeline, type Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { badRequest, HttpError, payloadTooLarge } from 'lectern';

export interface CsvRow { line: number; email: string; role: string | null; dueAt: string | null }
type Column = 'email' | 'role' | 'dueAt';

const BATCH = 1000;
const KNOWN: Record<string, Column> = { email: 'email', role: 'role', dueat: 'dueAt' };
const HEADER_HELP = 'The first line must name the columns: email[,role][,dueAt].';

/** Counts bytes and turns them into text, refusing too much, invalid UTF-8 and NUL characters. */
function limitedUtf8(maxBytes: number): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  const decode = (chunk?: Buffer): string => {
    let text: string;
    try {
      text = chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw badRequest('The CSV is not UTF-8 text.');
    }
    if (text.includes('\u0000')) throw badRequest('The CSV contains NUL characters.');
    return text;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(payloadTooLarge(`The CSV is larger than ${maxBytes} bytes.`));
      try { done(null, decode(chunk)); } catch (err) { done(err as Error); }
    },
    flush(done) {
      try { done(null, decode()); } catch (err) { done(err as Error); }
    },
  });
}

function columnsOf(header: string[]): Column[] {
  const columns = header.map((h) => KNOWN[h.toLowerCase()]);
  const unknown = header.filter((_, i) => !columns[i]);
  if (unknown.length) throw badRequest(`${HEADER_HELP} Unknown: ${unknown.map((u) => `"${u}"`).join(', ')}.`, [{ path: 'body.line1', message: 'has unknown columns' }]);
  if (new Set(columns).size !== columns.length) throw badRequest(`${HEADER_HELP} A column is named twice.`, [{ path: 'body.line1', message: 'repeats a column' }]);
  if (!columns.includes('email')) throw badRequest(`${HEADER_HELP} The email column is missing.`, [{ path: 'body.line1', message: 'has no email column' }]);
  return columns;
}

function toRow(record: string[], columns: Column[], line: number): CsvRow {
  const value = (c: Column) => {
    const i = columns.indexOf(c);
    return i < 0 || record[i] === '' ? null : record[i];
  };
  return { line, email: value('email') ?? '', role: value('role'), dueAt: value('dueAt') };
}

function asHttpError(err: unknown): unknown {
  if (err instanceof CsvError) return badRequest(`The CSV is malformed at line ${String((err as CsvError & { lines?: number }).lines ?? '?')}: ${err.message}`);
  return err;
}

/** The rows of an enrollment CSV, in batches; throws a 4xx HttpError for anything wrong with the file. */
export async function* enrollmentCsv(body: Readable, maxBytes: number): AsyncGenerator<CsvRow[]> {
  const parser = parse({ bom: true, info: true, skip_empty_lines: true, trim: true });
  pipeline(body, limitedUtf8(maxBytes), parser, () => undefined);
  let columns: Column[] | undefined;
  let batch: CsvRow[] = [];
  const records = parser as AsyncIterable<{ record: string[]; info: { lines: number } }>;
  try {
    for await (const { record, info } of records) {
      if (!columns) {
        columns = columnsOf(record);
        continue;
      }
      batch.push(toRow(record, columns, info.lines));
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    throw err instanceof HttpError ? err : asHttpError(err);
  }
  if (!columns) throw badRequest(`The CSV is empty. ${HEADER_HELP}`);
  if (batch.length) yield batch;
}
