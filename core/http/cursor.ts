// Keyset pagination, one implementation for every list: a cursor is the sort key of the last row of a
// page (base64url JSON), and each list declares the key's shape, e.g. `keyset('string', 'int')`. The
// `?cursor=` parameter is decoded and checked during query validation, so a cursor of any other shape is
// a 400 field error `query.cursor` next to the others, and a handler only ever sees a typed key.
import { Type, type TInteger, type TOptional, type TUnsafe } from '@sinclair/typebox';

export type KeyPart = 'string' | 'int';
export type KeyOf<P extends readonly KeyPart[]> = { -readonly [I in keyof P]: P[I] extends 'int' ? number : string };

/** The JSON Schema keyword the validator uses to decode a cursor in place (see validation.ts). */
export const CURSOR_KEYWORD = 'x-lectern-cursor';
const MAX_LENGTH = 600;

/** `?limit=`: every list's page size (API.md conventions). */
export const pageLimit: TInteger = Type.Integer({ minimum: 1, maximum: 200, default: 50 });

export interface Page<T> { items: T[]; nextCursor: string | null }

export interface Keyset<K> {
  /** The `?cursor=` query parameter: the handler receives the decoded key, or undefined. */
  readonly cursor: TOptional<TUnsafe<K>>;
  /** `{ limit, cursor }`, to spread into a list's query schema. */
  readonly query: { limit: TInteger; cursor: TOptional<TUnsafe<K>> };
  encode(key: K): string;
  /** `{ items, nextCursor }` from rows fetched with `limit + 1`. */
  page<R, T>(rows: R[], limit: number, map: (row: R) => T, key: (row: R) => K): Page<T>;
}

export function keyset<const P extends readonly KeyPart[]>(...parts: P): Keyset<KeyOf<P>> {
  type K = KeyOf<P>;
  const cursor = Type.Optional(Type.Unsafe<K>({
    type: 'string', maxLength: MAX_LENGTH, description: 'The nextCursor of the previous page', [CURSOR_KEYWORD]: parts,
  }));
  const encode = (key: K) => Buffer.from(JSON.stringify(key)).toString('base64url');
  return {
    cursor,
    query: { limit: pageLimit, cursor },
    encode,
    page(rows, limit, map, key) {
      const shown = rows.slice(0, limit);
      return { items: shown.map(map), nextCursor: rows.length > limit ? encode(key(shown[shown.length - 1])) : null };
    },
  };
}

/** The key of `cursor` when it has exactly the declared parts, else undefined. */
export function decodeKey(parts: readonly KeyPart[], cursor: string): unknown[] | undefined {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const fits = Array.isArray(key) && key.length === parts.length
    && key.every((k, i) => (parts[i] === 'int' ? Number.isSafeInteger(k) : typeof k === 'string' && !k.includes('\u0000')));
  return fits ? (key as unknown[]) : undefined;
}

/** Links between the pages of an HTML list (the theme's pager partial), keeping its filters (blank ones are left out). */
export interface Pager { next: string | null; first: string | null }

/** The next page when there is one, the first when this page is a later one; null when everything fits on one page. */
export function pagerLinks(path: string, filters: Record<string, string | undefined>, nextCursor: string | null, laterPage: boolean): Pager | null {
  const link = (at?: string) => {
    const query = new URLSearchParams(Object.entries({ ...filters, cursor: at }).filter((e): e is [string, string] => Boolean(e[1]))).toString();
    return query ? `${path}?${query}` : path;
  };
  const next = nextCursor ? link(nextCursor) : null;
  const first = laterPage ? link() : null;
  return next || first ? { next, first } : null;
}
