// Reading content: one item with its latest and published versions and its objectives, a version by
// number, and the library list with its filters. Unknown ids are 404s, as the API promises.
import { containsPattern, notFound, type Knex } from 'lectern';
import { byTitle } from '../cursors';
import { ITEMS, LINKS, VERSIONS, toContent, toSummary, type Content, type ItemRow, type VersionRow } from './rows';

export const isId = (value: string) => /^[0-9]{1,18}$/.test(value);
const noSuchItem = (id: string) => notFound(`content ${id} does not exist`);

/** The item's row (locked for update inside a transaction when `forUpdate`), or a 404. */
export async function itemRow(db: Knex, id: string, opts: { forUpdate?: boolean } = {}): Promise<ItemRow> {
  const q = db(ITEMS).where({ id }).first();
  if (opts.forUpdate) q.forUpdate();
  const row: ItemRow | undefined = isId(id) ? await q : undefined;
  if (!row) throw noSuchItem(id);
  return row;
}

/** Version `n` of the item, or a 404 (also for a version of another item). */
export async function versionRow(db: Knex, itemId: string, n: number): Promise<VersionRow> {
  const row: VersionRow | undefined = await db(VERSIONS).where({ item_id: itemId, number: n }).first();
  if (!row) throw notFound(`content ${itemId} has no version ${n}`);
  return row;
}

export async function objectiveIdsOf(db: Knex, itemId: string): Promise<string[]> {
  const rows: { objective_id: string | number }[] = await db(LINKS).where({ item_id: itemId }).orderBy('objective_id').select('objective_id');
  return rows.map((r) => String(r.objective_id));
}

/** The whole item as the API shows it. */
export async function loadContent(db: Knex, id: string, row?: ItemRow): Promise<Content> {
  const item = row ?? await itemRow(db, id);
  const numbers = [item.latest_version, ...(item.published_version !== null ? [item.published_version] : [])];
  const [versions, objectiveIds] = await Promise.all([
    db(VERSIONS).where({ item_id: item.id }).whereIn('number', numbers).select() as Promise<VersionRow[]>,
    objectiveIdsOf(db, String(item.id)),
  ]);
  const byNumber = new Map(versions.map((v) => [v.number, v]));
  const published = item.published_version === null ? null : byNumber.get(item.published_version) ?? null;
  return toContent(item, byNumber.get(item.latest_version) as VersionRow, published, objectiveIds);
}

export interface LibraryFilter {
  q?: string; type?: string; status?: string; reviewDue?: boolean; objectiveId?: string; limit: number; cursor?: [string, number];
}

/** The library, by title: filtered by text, type, status, review due and objective. */
export async function listContent(db: Knex, f: LibraryFilter) {
  const q = db(`${ITEMS} as i`).orderBy([{ column: 'i.title' }, { column: 'i.id' }]).limit(f.limit + 1).select('i.*');
  if (f.q?.trim()) q.whereILike('i.title', containsPattern(f.q.trim()));
  if (f.type) q.where('i.type', f.type);
  if (f.status) q.where('i.status', f.status);
  if (f.reviewDue !== undefined) q.where((w) => (f.reviewDue ? w.whereNotNull('i.review_flagged_at') : w.whereNull('i.review_flagged_at')));
  if (f.objectiveId) q.whereIn('i.id', db(LINKS).where('objective_id', f.objectiveId).select('item_id'));
  if (f.cursor) q.whereRaw('(i.title, i.id) > (?, ?)', f.cursor);
  const rows: ItemRow[] = await q;
  return byTitle.page(rows, f.limit, toSummary, (r) => [r.title, Number(r.id)]);
}
