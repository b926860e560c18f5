// Creating content and editing it (PATCH): the checks each type needs, objectives, the review interval,
// and how a learner completes it. Content fields make a new draft version; the rest applies at once.
import { badRequest, type FieldError, type SignedInRequest, type TransactionContext } from 'lectern';
import type { ContentType } from '../api';
import { itemRow, loadContent, versionRow } from '../model/items';
import { ITEMS, LINKS, OBJECTIVES, VERSIONS, type CompleteWhen, type ItemRow } from '../model/rows';
import { addVersion, contentOf } from './versions';
import { dueAfter } from './review';

export interface ContentFields {
  title?: string; body?: string | null; url?: string | null; note?: string; objectiveIds?: string[];
  reviewEveryDays?: number | null; completeWhen?: CompleteWhen; watchPercent?: number | null;
}

const WEB_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/i;

/** The fields a type takes: a page has a body, a link a URL, a video a URL or an uploaded file, a file only its upload. */
function checkTypeFields(type: ContentType, body: string | null, url: string | null): FieldError[] {
  const errors: FieldError[] = [];
  if (type === 'page' && body === null) errors.push({ path: 'body.body', message: 'is required for a page (Markdown)' });
  if (type !== 'page' && body !== null) errors.push({ path: 'body.body', message: `is only for pages, not a ${type}` });
  if (type === 'link' && url === null) errors.push({ path: 'body.url', message: 'is required for a link' });
  if ((type === 'page' || type === 'file') && url !== null) errors.push({ path: 'body.url', message: `is only for links and videos, not a ${type}` });
  if (url !== null && !WEB_URL.test(url)) errors.push({ path: 'body.url', message: 'must be an http or https address' });
  return errors;
}

function checkCompletion(type: ContentType, f: ContentFields): FieldError[] {
  const errors: FieldError[] = [];
  if (f.completeWhen === 'done' && type !== 'page') errors.push({ path: 'body.completeWhen', message: 'can be "done" only for a page' });
  if (f.watchPercent != null && type !== 'video') errors.push({ path: 'body.watchPercent', message: 'is only for videos' });
  return errors;
}

async function checkObjectives(tx: TransactionContext, ids: string[] | undefined): Promise<FieldError[]> {
  if (!ids?.length) return [];
  const found: { id: string | number }[] = await tx.db(OBJECTIVES).whereIn('id', [...new Set(ids)]).select('id');
  const known = new Set(found.map((r) => String(r.id)));
  return ids.flatMap((id, i) => (known.has(id) ? [] : [{ path: `body.objectiveIds.${i}`, message: `is not a known objective (${id})` }]));
}

const refuse = (errors: FieldError[]) => {
  if (errors.length) throw badRequest(`${errors.length} invalid field${errors.length > 1 ? 's' : ''}: ${errors.map((e) => e.path).join(', ')}`, errors);
};

async function linkObjectives(tx: TransactionContext, itemId: string, ids: string[]): Promise<void> {
  await tx.db(LINKS).where({ item_id: itemId }).delete();
  if (ids.length) await tx.db(LINKS).insert([...new Set(ids)].map((objective_id) => ({ item_id: itemId, objective_id })));
}

export async function createContent(req: SignedInRequest, f: ContentFields & { type: ContentType; title: string }) {
  const body = f.body ?? null;
  const url = f.url ?? null;
  refuse([...checkTypeFields(f.type, body, url), ...checkCompletion(f.type, f)]);
  const now = req.now();
  return req.transaction(async (tx) => {
    refuse(await checkObjectives(tx, f.objectiveIds));
    const [created]: { id: string | number }[] = await tx.db(ITEMS).insert({
      type: f.type, title: f.title, status: 'draft', latest_version: 1, owner_id: req.principal.id,
      complete_when: f.completeWhen ?? 'opened', watch_percent: f.watchPercent ?? null, review_every_days: f.reviewEveryDays ?? null,
      created_at: now, updated_at: now,
    }).returning('id');
    const id = String(created.id);
    await tx.db(VERSIONS).insert({ item_id: id, number: 1, title: f.title, body, url, note: f.note ?? 'Created', author_id: req.principal.id, created_at: now });
    await linkObjectives(tx, id, f.objectiveIds ?? []);
    await tx.audit({ action: 'content.create', target: { type: 'content', id }, details: { type: f.type, title: f.title } });
    return loadContent(tx.db, id);
  });
}

export async function updateContent(req: SignedInRequest, id: string, f: ContentFields) {
  const now = req.now();
  return req.transaction(async (tx) => {
    const item = await itemRow(tx.db, id, { forUpdate: true });
    const latest = contentOf(await versionRow(tx.db, id, item.latest_version));
    const next = { ...latest, title: f.title ?? latest.title, body: f.body !== undefined ? f.body : latest.body, url: f.url !== undefined ? f.url : latest.url };
    refuse([...checkTypeFields(item.type, next.body, next.url), ...checkCompletion(item.type, f), ...await checkObjectives(tx, f.objectiveIds)]);
    const changed = next.title !== latest.title || next.body !== latest.body || next.url !== latest.url;
    const version = changed ? await addVersion(tx, item, next, { authorId: req.principal.id, note: f.note ?? '', now }) : null;
    const settings: Partial<ItemRow> = {};
    if (f.completeWhen !== undefined) settings.complete_when = f.completeWhen;
    if (f.watchPercent !== undefined) settings.watch_percent = f.watchPercent;
    if (f.reviewEveryDays !== undefined) {
      settings.review_every_days = f.reviewEveryDays;
      settings.review_due_at = item.reviewed_at ? dueAfter(item.reviewed_at, f.reviewEveryDays) : null;
      // A longer interval may move the due date into the future again.
      if (settings.review_due_at === null || settings.review_due_at > now) settings.review_flagged_at = null;
    }
    if (Object.keys(settings).length) await tx.db(ITEMS).where({ id }).update({ ...settings, updated_at: now });
    if (f.objectiveIds) await linkObjectives(tx, id, f.objectiveIds);
    const fields = Object.keys(f).filter((k) => k !== 'note');
    await tx.audit({ action: 'content.update', target: { type: 'content', id }, details: { version, fields } });
    return loadContent(tx.db, id);
  });
}

/** Restores version `n` as a new draft (its text, URL and file, by reference: stored files never change). */
export async function restoreVersion(req: SignedInRequest, id: string, n: number, note?: string) {
  const now = req.now();
  return req.transaction(async (tx) => {
    const item = await itemRow(tx.db, id, { forUpdate: true });
    const old = await versionRow(tx.db, id, n);
    const version = await addVersion(tx, item, contentOf(old), { authorId: req.principal.id, note: note ?? `Restored from version ${n}`, now, restoredFrom: n });
    await tx.audit({ action: 'content.restore', target: { type: 'content', id }, details: { from: n, version } });
    return loadContent(tx.db, id);
  });
}
