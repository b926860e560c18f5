// Opaque list cursors (API.md: `?cursor=` and `nextCursor`): the sort key of the last row of a page,
// as base64url JSON, so keyset pagination can continue after it. A cursor that does not decode is a 400.
import { badRequest } from 'lectern';

export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key of a cursor, checked to be `arity` strings or numbers. */
export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === 'string' || typeof k === 'number')) return key;
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('The cursor is not one this list gave out.', [{ path: 'query.cursor', message: 'is invalid' }]);
}

/** `{ items, nextCursor }` from rows fetched with `limit + 1`. */
export function page<R, T>(rows: R[], limit: number, map: (row: R) => T, key: (row: R) => (string | number)[]): { items: T[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit);
  return { items: shown.map(map), nextCursor: rows.length > limit ? encodeCursor(key(shown[shown.length - 1])) : null };
}
