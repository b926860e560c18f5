// CSV answers (`?format=csv` on any report) and CSV files (a report mailed as an attachment): records
// streamed through csv-stringify in constant memory, a header line first. A text cell that a spreadsheet
// would run as a formula (starting with = + - @, a tab or a carriage return) gets a leading apostrophe,
// so an exported "=HYPERLINK(…)" stays text.
import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { Reply } from './route';

export type CsvCell = string | number | boolean | Date | null | undefined;

const FORMULA = /^[=+\-@\t\r]/;

/** A cell as text; only text is neutralized (a number such as -5 is a number, not a formula). */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') return String(value);
  return FORMULA.test(value) ? `'${value}` : value;
}

/** The CSV text of `records` under `header`, as a stream. A failing source ends it early. */
export function csvStream(header: readonly string[], records: AsyncIterable<readonly CsvCell[]>): Readable {
  async function* cells() {
    for await (const record of records) yield record.map(csvCell);
  }
  return pipeline(Readable.from(cells()), stringify({ header: true, columns: [...header] }), () => undefined);
}

/** A 200 `text/csv` attachment named `fileName`, streaming `records` as they come. */
export function csvAnswer(fileName: string, header: readonly string[], records: AsyncIterable<readonly CsvCell[]>): Reply {
  return new Reply(200, csvStream(header, records), {
    'Content-Disposition': `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"`, 'Cache-Control': 'private, no-store',
  }, 'text/csv');
}
