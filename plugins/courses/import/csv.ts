// An enrollment CSV (email[,role][,dueAt]) read by the core's receiveCsv: here its header is checked —
// the columns named in any order (400) — and its lines become rows, with their line numbers, for staging.
import { atLine, badRequest, type CsvFile, type CsvRecord } from 'lectern';

export interface CsvRow { line: number; email: string; role: string | null; dueAt: string | null }
type Column = 'email' | 'role' | 'dueAt';

const KNOWN: Record<string, Column> = { email: 'email', role: 'role', dueat: 'dueAt' };
const HEADER_HELP = 'The first line must name the columns: email[,role][,dueAt].';

function columnsOf(header: string[]): Column[] {
  const names = header.map((h) => h.trim());
  const columns = names.map((h) => KNOWN[h.toLowerCase()]);
  const unknown = names.filter((_, i) => !columns[i]);
  if (unknown.length) throw badRequest(`${HEADER_HELP} Unknown: ${unknown.map((u) => `"${u}"`).join(', ')}.`, [{ path: 'body.line1', message: 'has unknown columns' }]);
  if (new Set(columns).size !== columns.length) throw badRequest(`${HEADER_HELP} A column is named twice.`, [{ path: 'body.line1', message: 'repeats a column' }]);
  if (!columns.includes('email')) throw badRequest(`${HEADER_HELP} The email column is missing.`, [{ path: 'body.line1', message: 'has no email column' }]);
  return columns;
}

function toRow({ line, fields }: CsvRecord, columns: Column[]): CsvRow {
  if (fields.length !== columns.length) throw atLine(line, `${fields.length} fields, but the header has ${columns.length}.`);
  const value = (c: Column) => {
    const i = columns.indexOf(c);
    return i < 0 || fields[i].trim() === '' ? null : fields[i].trim();
  };
  return { line, email: value('email') ?? '', role: value('role'), dueAt: value('dueAt') };
}

/** How the core's receiveCsv reads an enrollment file. */
export const ENROLLMENT_CSV = { columns: 'email[,role][,dueAt]', header: (r: CsvRecord) => columnsOf(r.fields) };

/** The rows of an enrollment CSV; throws a 400 for a line that makes the file unusable. */
export function enrollmentRows(file: CsvFile<Column[]>): CsvRow[] {
  return file.records.map((r) => toRow(r, file.header));
}
