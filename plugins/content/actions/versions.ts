// Every change to what content says is a new version: an edit, an uploaded file, a restored old version.
// The published version never changes here; only an approval (review.ts) moves it. An item in review
// takes no new version until an approver has approved or rejected it.
import { conflict, type TransactionContext } from 'lectern';
import { ITEMS, VERSIONS, type ItemRow, type VersionRow } from '../model/rows';

/** What a version holds; the file fields are null for pages and links. */
export interface VersionContent {
  title: string; body: string | null; url: string | null;
  file_key: string | null; file_name: string | null; file_size: number | null; media_type: string | null; sha256: string | null;
}

export const contentOf = (v: VersionRow): VersionContent => ({
  title: v.title, body: v.body, url: v.url, file_key: v.file_key, file_name: v.file_name,
  file_size: v.file_size === null ? null : Number(v.file_size), media_type: v.media_type, sha256: v.sha256,
});

export const refuseInReview = (item: ItemRow) => {
  if (item.status === 'in_review') {
    throw conflict(`content ${item.id} is in review; an approver must approve or reject version ${item.latest_version} before it changes again`);
  }
};

/** Adds version latest + 1 as the new draft; returns its number. `item` must be locked (forUpdate). */
export async function addVersion(
  tx: TransactionContext, item: ItemRow, content: VersionContent, by: { authorId: string; note: string; now: Date; restoredFrom?: number },
): Promise<number> {
  refuseInReview(item);
  const number = item.latest_version + 1;
  const now = by.now;
  await tx.db(VERSIONS).insert({
    item_id: item.id, number, ...content, note: by.note, author_id: by.authorId, created_at: now, restored_from: by.restoredFrom ?? null,
  });
  await tx.db(ITEMS).where({ id: item.id }).update({ latest_version: number, status: 'draft', title: content.title, updated_at: now });
  return number;
}
