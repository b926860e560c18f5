// The content tables as rows, and the shapes the API answers with: an item with its latest and its
// published version, a version, and an item in a list. One mapping, used by every route and page.
import type { ContentStatus, ContentType } from '../api';
import { renderMarkdown } from './markdown';

export const ITEMS = 'content_items';
export const VERSIONS = 'content_versions';
export const OBJECTIVES = 'content_objectives';
export const LINKS = 'content_item_objectives';
export const VIEWS = 'content_views';

export type CompleteWhen = 'opened' | 'done';

export interface ItemRow {
  id: string | number; type: ContentType; title: string; status: ContentStatus; latest_version: number;
  published_version: number | null; owner_id: string | null; complete_when: CompleteWhen; watch_percent: number | null;
  review_every_days: number | null; reviewed_at: Date | null; review_due_at: Date | null; review_flagged_at: Date | null;
  created_at: Date; updated_at: Date;
}

export interface VersionRow {
  id: string | number; item_id: string | number; number: number; title: string; body: string | null; url: string | null;
  file_key: string | null; file_name: string | null; file_size: string | number | null; media_type: string | null; sha256: string | null;
  note: string; author_id: string | null; created_at: Date; restored_from: number | null;
  submitted_by: string | null; submitted_at: Date | null; reviewed_by: string | null; reviewed_at: Date | null;
  review_outcome: 'approved' | 'rejected' | null; reject_reason: string | null;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export interface FileInfo { name: string; size: number; mediaType: string; sha256: string }

export function toVersion(v: VersionRow) {
  return {
    number: v.number, title: v.title, body: v.body, html: v.body === null ? null : renderMarkdown(v.body), url: v.url,
    file: v.file_key ? { name: v.file_name as string, size: Number(v.file_size), mediaType: v.media_type as string, sha256: v.sha256 as string } : null,
    note: v.note, authorId: v.author_id, createdAt: iso(v.created_at) as string, restoredFrom: v.restored_from,
    submittedBy: v.submitted_by, submittedAt: iso(v.submitted_at), reviewedBy: v.reviewed_by, reviewedAt: iso(v.reviewed_at),
    reviewOutcome: v.review_outcome, rejectReason: v.reject_reason,
  };
}

export function toSummary(r: ItemRow) {
  return {
    id: String(r.id), type: r.type, title: r.title, status: r.status, version: r.latest_version, publishedVersion: r.published_version,
    ownerId: r.owner_id, reviewEveryDays: r.review_every_days, reviewDueAt: iso(r.review_due_at), reviewDue: r.review_flagged_at !== null,
    updatedAt: iso(r.updated_at) as string,
  };
}

export function toContent(r: ItemRow, latest: VersionRow, published: VersionRow | null, objectiveIds: string[]) {
  return {
    ...toSummary(r), completeWhen: r.complete_when, watchPercent: r.watch_percent, reviewedAt: iso(r.reviewed_at),
    createdAt: iso(r.created_at) as string, objectiveIds, latest: toVersion(latest), published: published ? toVersion(published) : null,
  };
}

export type Content = ReturnType<typeof toContent>;
export type Version = ReturnType<typeof toVersion>;
