// A report as CSV, for `?format=csv` and for scheduled deliveries alike: its file name, header and
// records, read a page at a time in the report's own order, so memory stays flat for any row count.
import type { CsvCell } from 'lectern';

export interface CsvReport { fileName: string; header: readonly string[]; records: AsyncIterable<readonly CsvCell[]> }

export const CSV_PAGE = 1_000;

/** Every row of `read`, page by page: `read(after, limit)` returns up to limit + 1 rows after the key. */
export async function* pages<R, K>(read: (after: K | undefined, limit: number) => Promise<R[]>, keyOf: (row: R) => K): AsyncGenerator<R[]> {
  let after: K | undefined;
  for (;;) {
    const rows = await read(after, CSV_PAGE);
    const page = rows.slice(0, CSV_PAGE);
    if (page.length) yield page;
    if (rows.length <= CSV_PAGE) return;
    after = keyOf(page[page.length - 1]);
  }
}

/** The records of an object list, in `header` order. */
export async function* recordsOf<T extends Record<string, CsvCell>>(header: readonly (keyof T & string)[], batches: AsyncIterable<T[]>): AsyncGenerator<CsvCell[]> {
  for await (const batch of batches) for (const item of batch) yield header.map((h) => item[h]);
}
