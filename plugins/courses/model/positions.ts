// Ordering of sections in a course and items in a section: positions are kept dense (0, 1, 2, …) and
// a row moved or inserted at a position pushes the ones after it down. Rows are locked while renumbered.
import type { Knex } from 'lectern';

type Ordered = 'courses_sections' | 'courses_items';

/**
 * Renumbers the rows of `table` matching `scope`; with `move`, that row goes to `position`
 * (clamped; `undefined` = last). Returns the row's final position.
 */
export async function renumber(db: Knex, table: Ordered, scope: Record<string, string | number>, move?: { id: string | number; position?: number }): Promise<number> {
  const rows: { id: number; position: number }[] = await db(table).where(scope).orderBy([{ column: 'position' }, { column: 'id' }]).forUpdate().select('id', 'position');
  const others = rows.filter((r) => !move || String(r.id) !== String(move.id));
  let at = -1;
  if (move) {
    at = Math.min(Math.max(move.position ?? others.length, 0), others.length);
    others.splice(at, 0, { id: Number(move.id), position: -1 });
  }
  const before = new Map(rows.map((r) => [String(r.id), r.position]));
  for (const [position, r] of others.entries()) {
    if (before.get(String(r.id)) !== position) await db(table).where({ id: r.id }).update({ position });
  }
  return at;
}
