// Cursor pagination for the list pages, as in the JSON API: rows ordered by id, the last id of a page
// is the cursor of the next, and the page links keep the search and filters.
import { Type } from 'lectern';

export const PAGE_SIZE = 50;

export const Cursor = Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' }));

export interface Paged<T> {
  items: T[];
  /** The page links, or null when everything fits on this page. */
  pager: {
    /** Link to the next page, or null on the last one. */
    next: string | null;
    /** Link to the first page when this is a later one. */
    first: string | null;
  } | null;
}

/**
 * `rows` holds up to PAGE_SIZE + 1 rows: the extra one only says a next page exists.
 * `filters` are the query parameters to keep (blank ones are dropped).
 */
export function paged<T extends { id: number }>(rows: T[], path: string, filters: Record<string, string | undefined>, cursor: string | undefined): Paged<T> {
  const items = rows.slice(0, PAGE_SIZE);
  const link = (next?: string) => {
    const query = new URLSearchParams(Object.entries({ ...filters, cursor: next }).filter((e): e is [string, string] => Boolean(e[1]))).toString();
    return query ? `${path}?${query}` : path;
  };
  const next = rows.length > PAGE_SIZE ? link(String(items[items.length - 1].id)) : null;
  const first = cursor ? link() : null;
  return { items, pager: next || first ? { next, first } : null };
}
