// Bulk user import, part one: staging. The core reads the CSV (email,name[,roles][,cohort]) — UTF-8,
// well-formed, with line numbers — before anything is opened; here the header and every line are checked
// (the column count, roles only for a caller who may assign them), so a file that cannot be imported
// throws an HttpError naming the line and stages nothing. Then the rows go into auth_import_rows, 1,000
// per insert, in the caller's transaction; what is wrong with a single row (a bad email, an unknown
// role) is left to the job (import-batch.ts), which reports it per line.
import { atLine, batches, forbidden, type CsvFile, type CsvRecord, type TransactionContext } from 'lectern';

export const IMPORT_COLUMNS = ['email', 'name', 'roles', 'cohort'] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
const REQUIRED: Column[] = ['email', 'name'];
const STAGE_BATCH = 1000;

/** A line that will never be imported, and why. */
export interface LineError { line: number; error: string }

export interface StageOptions { createdBy: string | null }

export interface Staged {
  importId: string;
  /** Data lines in the file (blank lines not counted). */
  rows: number;
  /** Physical line number of the last data line. */
  lastLine: number;
  /** Lines refused at staging: an email already given on an earlier line. */
  failed: LineError[];
}

export interface StagedRow { line: number; email: string; name: string; roles: string | null; cohort: string | null }

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

interface Header { at: Map<Column, number>; width: number }

/** How the core's receiveCsv and parseCsv read an import file. */
export const IMPORT_CSV = {
  columns: 'email,name[,roles][,cohort]',
  header: ({ fields, line }: CsvRecord): Header => ({ at: headerColumns(fields, line), width: fields.length }),
};

/**
 * The file's lines as staged rows; throws a 4xx for a line that makes the file unusable.
 * `mayAssignRoles`: the caller holds roles:manage, or it is the CLI.
 */
export function importRows(file: CsvFile<Header>, mayAssignRoles: boolean): StagedRow[] {
  return file.records.map((r) => stagedRow(r, file.header, mayAssignRoles));
}

function stagedRow({ line, fields }: CsvRecord, { at, width }: Header, mayAssignRoles: boolean): StagedRow {
  if (fields.length !== width) throw atLine(line, `${fields.length} fields, but the header has ${width}.`);
  const field = (c: Column) => (at.has(c) ? fields[at.get(c) as number].trim() : '');
  const roles = field('roles');
  if (roles && !mayAssignRoles) {
    throw forbidden(`Line ${line} assigns roles; importing roles needs the roles:manage permission. Remove the roles column or ask an administrator.`);
  }
  return { line, email: field('email'), name: field('name'), roles: roles || null, cohort: field('cohort') || null };
}

/**
 * Creates an auth_imports row and stages `rows` into auth_import_rows, in `tx`. Duplicate emails are
 * left out and reported per line.
 */
export async function stageImport(tx: TransactionContext, rows: StagedRow[], opts: StageOptions): Promise<Staged> {
  const db = tx.db;
  const [created] = await db('auth_imports').insert({ created_by: opts.createdBy }).returning('id');
  const importId = String((created as { id: number }).id);
  for (const batch of batches(rows, STAGE_BATCH)) {
    await db.raw(`insert into auth_import_rows (import_id, line, email, name, roles, cohort)
      select ?, r.line, r.email, r.name, r.roles, r.cohort
      from jsonb_to_recordset(?::jsonb) as r(line int, email text, name text, roles text, cohort text)`, [importId, JSON.stringify(batch)]);
  }
  const lastLine = rows[rows.length - 1].line;

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
  return { importId, rows: rows.length, lastLine, failed };
}
