// The review workflow: draft → in_review (submit) → published (approve), or back to draft with a reason
// (reject). Approvers may not approve what they submitted unless the settings allow it. An approval
// also restarts the item's review cycle, as does an approver's "still current" confirmation.
import { conflict, forbidden, type SignedInRequest, type TransactionContext } from 'lectern';
import { contentPublished } from '../api';
import { itemRow, loadContent, versionRow } from '../model/items';
import { ITEMS, VERSIONS, type ItemRow, type VersionRow } from '../model/rows';
import { contentSettings } from '../settings';
import { notify } from '../notify';

const DAY_MS = 86_400_000;
export const dueAfter = (from: Date, days: number | null): Date | null => (days === null ? null : new Date(new Date(from).getTime() + days * DAY_MS));

/** What a version still lacks before it can be published, by type. */
function missing(item: ItemRow, v: VersionRow): string | null {
  if (item.type === 'file' && !v.file_key) return 'upload its file first';
  if (item.type === 'video' && !v.file_key && !v.url) return 'give its URL or upload the video first';
  if (item.type === 'link' && !v.url) return 'give its URL first';
  return null;
}

async function inReview(tx: TransactionContext, id: string): Promise<{ item: ItemRow; latest: VersionRow }> {
  const item = await itemRow(tx.db, id, { forUpdate: true });
  if (item.status !== 'in_review') throw conflict(`content ${id} is not in review (it is ${item.status === 'draft' ? 'a draft' : 'published'})`);
  return { item, latest: await versionRow(tx.db, id, item.latest_version) };
}

export async function submit(req: SignedInRequest, id: string) {
  const now = req.now();
  return req.transaction(async (tx) => {
    const item = await itemRow(tx.db, id, { forUpdate: true });
    if (item.status !== 'draft') throw conflict(`content ${id} is ${item.status === 'in_review' ? 'already in review' : 'published; edit it to make a new draft'}`);
    const latest = await versionRow(tx.db, id, item.latest_version);
    const lacking = missing(item, latest);
    if (lacking) throw conflict(`content ${id} cannot be submitted yet: ${lacking}`);
    await tx.db(VERSIONS).where({ id: latest.id }).update({
      submitted_by: req.principal.id, submitted_at: now, reviewed_by: null, reviewed_at: null, review_outcome: null, reject_reason: null,
    });
    await tx.db(ITEMS).where({ id }).update({ status: 'in_review', updated_at: now });
    await tx.audit({ action: 'content.submit', target: { type: 'content', id }, details: { version: latest.number } });
    await notify(tx, { kind: 'submitted', contentId: id, version: latest.number });
    return loadContent(tx.db, id);
  });
}

export async function approve(req: SignedInRequest, id: string) {
  const { allowSelfApproval } = await req.settings(contentSettings);
  const now = req.now();
  return req.transaction(async (tx) => {
    const { item, latest } = await inReview(tx, id);
    if (latest.submitted_by === req.principal.id && !allowSelfApproval) {
      throw forbidden('You submitted this version: another approver must approve it (the content setting allowSelfApproval is off).');
    }
    await tx.db(VERSIONS).where({ id: latest.id }).update({ reviewed_by: req.principal.id, reviewed_at: now, review_outcome: 'approved' });
    await tx.db(ITEMS).where({ id }).update({
      status: 'published', published_version: latest.number, reviewed_at: now, review_due_at: dueAfter(now, item.review_every_days),
      review_flagged_at: null, updated_at: now,
    });
    tx.emit(contentPublished, { contentId: id, version: latest.number, approvedBy: req.principal.id, publishedAt: now.toISOString() });
    await tx.audit({ action: 'content.approve', target: { type: 'content', id }, details: { version: latest.number, previous: item.published_version } });
    await notify(tx, { kind: 'approved', contentId: id, version: latest.number });
    return loadContent(tx.db, id);
  });
}

export async function reject(req: SignedInRequest, id: string, reason: string) {
  const now = req.now();
  return req.transaction(async (tx) => {
    const { latest } = await inReview(tx, id);
    await tx.db(VERSIONS).where({ id: latest.id }).update({ reviewed_by: req.principal.id, reviewed_at: now, review_outcome: 'rejected', reject_reason: reason });
    await tx.db(ITEMS).where({ id }).update({ status: 'draft', updated_at: now });
    await tx.audit({ action: 'content.reject', target: { type: 'content', id }, details: { version: latest.number, reason } });
    await notify(tx, { kind: 'rejected', contentId: id, version: latest.number });
    return loadContent(tx.db, id);
  });
}

/** An approver confirms the published version is still current: the review cycle starts again. */
export async function confirmCurrent(req: SignedInRequest, id: string) {
  const now = req.now();
  return req.transaction(async (tx) => {
    const item = await itemRow(tx.db, id, { forUpdate: true });
    if (item.published_version === null) throw conflict(`content ${id} was never published; approve a version instead`);
    await tx.db(ITEMS).where({ id }).update({ reviewed_at: now, review_due_at: dueAfter(now, item.review_every_days), review_flagged_at: null, updated_at: now });
    await tx.audit({ action: 'content.review-confirm', target: { type: 'content', id }, details: { version: item.published_version } });
    return loadContent(tx.db, id);
  });
}
