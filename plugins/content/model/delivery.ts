// A course item's content as an enrolled person sees it: always the published version. Opening it
// records a view (one row per learner, item and day; the first of the day is a content.viewed event),
// and for a learner the item completes through the courses plugin's public service when its rule is
// met: a page or link when opened (or when "done" is pressed, per item), a file when downloaded, an
// uploaded video when watched to its share, a hosted video when "done" is pressed.
import { conflict, forbidden, notFound, type SignedInRequest } from 'lectern';
import { CourseDirectoryRef, CourseProgressRef, type CourseItem, type EnrollmentState } from 'lectern/courses';
import { contentViewed } from '../api';
import { contentSettings } from '../settings';
import { embedUrl } from './embed';
import { renderedHtml } from './render-cache';
import { ITEMS, VERSIONS, VIEWS, type ItemRow, type VersionRow } from './rows';

export type CompletionRule = 'opened' | 'done' | 'download' | 'watch';

interface ViewState { completed_cycle: number | null; completed_at: Date | null; watched_percent: number }

/** What delivery needs of an item and of its published version. */
type DeliveredItem = Pick<ItemRow, 'id' | 'type' | 'complete_when' | 'watch_percent'>;
export type DeliveredVersion = Pick<VersionRow, 'id' | 'number' | 'title' | 'body' | 'url' | 'file_key' | 'file_name' | 'file_size' | 'media_type' | 'sha256'>;
type PublishedRow = DeliveredItem & Omit<DeliveredVersion, 'id'> & { v_id: string; viewed: boolean } & ViewState;

/** One statement, prepared once per connection: the item, its published version and the caller's view today. */
const PUBLISHED_WITH_TODAY = `
  select i.id, i.type, i.complete_when, i.watch_percent, v.id as v_id, v.number, v.title, v.body, v.url, v.file_key, v.file_name,
    v.file_size, v.media_type, v.sha256, w.id is not null as viewed, w.completed_cycle, w.completed_at, w.watched_percent
  from ${ITEMS} i join ${VERSIONS} v on v.item_id = i.id and v.number = i.published_version
  left join ${VIEWS} w on w.course_item_id = ? and w.user_id = ? and w.day = ?
  where i.id = ?`;

export interface Opened {
  item: CourseItem; enrollment: EnrollmentState; content: DeliveredItem; version: DeliveredVersion; rule: CompletionRule; watchPercent: number | null;
  /** The caller's view of this item today, when there is one. */
  today: ViewState | null;
}

const CONTENT_PREFIX = 'content:';
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

function ruleOf(item: DeliveredItem, version: DeliveredVersion): CompletionRule {
  if (item.type === 'file') return 'download';
  if (item.type === 'video') return version.file_key ? 'watch' : 'done';
  if (item.type === 'page') return item.complete_when;
  return 'opened';
}

/** The item, the caller's enrollment, the published content and today's view; 404 or 403 as the API promises. */
export async function openItem(req: SignedInRequest, courseId: string, itemId: string): Promise<Opened> {
  const found = await req.resolve(CourseDirectoryRef).itemFor(courseId, itemId, req.principal.id);
  if (!found || found.isTemplate || found.courseStatus === 'draft' || !found.contentId.startsWith(CONTENT_PREFIX)) {
    throw notFound(`course ${courseId} has no content item ${itemId}`);
  }
  const { enrollment, ...item } = found;
  if (!enrollment || enrollment.status !== 'active') throw forbidden(`You are not enrolled in course ${courseId}.`);
  const { rows } = await req.db.raw(PUBLISHED_WITH_TODAY, [itemId, req.principal.id, dayOf(req.now()), item.contentId.slice(CONTENT_PREFIX.length)])
    .options({ prepare: true }) as { rows: PublishedRow[] };
  const row = rows[0];
  if (!row) throw notFound(`course ${courseId} has no content item ${itemId}`);
  const content: DeliveredItem = { id: row.id, type: row.type, complete_when: row.complete_when, watch_percent: row.watch_percent };
  const version: DeliveredVersion = {
    id: row.v_id, number: row.number, title: row.title, body: row.body, url: row.url, file_key: row.file_key, file_name: row.file_name,
    file_size: row.file_size, media_type: row.media_type, sha256: row.sha256,
  };
  const today = row.viewed ? { completed_cycle: row.completed_cycle, completed_at: row.completed_at, watched_percent: row.watched_percent } : null;
  const watchPercent = content.type === 'video' ? content.watch_percent ?? (await req.settings(contentSettings)).videoCompletionPercent : null;
  return { item, enrollment, content, version, rule: ruleOf(content, version), watchPercent, today };
}

/**
 * Records that the caller opened the item today (and `watched`, the share of a video seen). The first
 * opening of a day writes the row, carrying over what the learner's previous row knew, and emits
 * content.viewed in the same transaction; later ones only read, unless the watched share grew.
 */
export async function recordView(req: SignedInRequest, o: Opened, watched = 0): Promise<ViewState> {
  if (o.today && watched <= o.today.watched_percent) return o.today;
  const now = req.now();
  const userId = req.principal.id;
  return req.transaction(async (tx) => {
    const { rows } = await tx.db.raw(`
      insert into ${VIEWS} (item_id, version, user_id, course_id, course_item_id, day, watched_percent, first_at, completed_cycle, completed_at)
      select ?, ?, ?, ?, ?, ?, greatest(?, coalesce(p.watched_percent, 0)), ?, p.completed_cycle, p.completed_at
      from (select 1) as one left join lateral (
        select watched_percent, completed_cycle, completed_at from ${VIEWS} where course_item_id = ? and user_id = ? order by day desc limit 1
      ) as p on true
      on conflict (course_item_id, user_id, day) do update set watched_percent = greatest(${VIEWS}.watched_percent, excluded.watched_percent)
      returning (xmax = 0) as inserted, completed_cycle, completed_at, watched_percent`,
    [o.content.id, o.version.number, userId, o.item.courseId, o.item.itemId, dayOf(now), watched, now, o.item.itemId, userId]) as { rows: (ViewState & { inserted: boolean })[] };
    const { inserted, ...state } = rows[0];
    if (inserted) {
      tx.emit(contentViewed, {
        contentId: String(o.content.id), version: o.version.number, courseId: o.item.courseId, itemId: o.item.itemId, userId, viewedAt: now.toISOString(),
      });
    }
    return state;
  });
}

/** Whether this plugin saw the item completed in the learner's current cycle. */
export const completedNow = (o: Opened, s: ViewState) => s.completed_cycle === o.enrollment.cycle;

/** Completes the item for a learner through the courses plugin, once per cycle; answers when it was completed. */
export async function complete(req: SignedInRequest, o: Opened, s: ViewState): Promise<{ completedAt: string; courseCompletedAt: string | null }> {
  if (o.enrollment.role !== 'learner') throw forbidden('Only learners complete items.');
  if (o.item.courseStatus === 'archived') throw conflict(`course ${o.item.courseId} is archived; its progress is closed`);
  const done = await req.resolve(CourseProgressRef).completeItem({ courseId: o.item.courseId, itemId: o.item.itemId, userId: req.principal.id, ip: req.ip });
  if (!completedNow(o, s)) {
    await req.db(VIEWS).where({ course_item_id: o.item.itemId, user_id: req.principal.id })
      .where('day', '>=', dayOf(req.now())).update({ completed_cycle: done.cycle, completed_at: done.completedAt });
  }
  return { completedAt: done.completedAt, courseCompletedAt: done.courseCompletedAt };
}

/** Opening counts as completing (pages and links without "done"). */
export async function completeOnOpen(req: SignedInRequest, o: Opened, s: ViewState): Promise<string | null> {
  if (completedNow(o, s)) return new Date(s.completed_at as Date).toISOString();
  if (o.rule !== 'opened' || o.enrollment.role !== 'learner' || o.item.courseStatus !== 'published') return null;
  return (await complete(req, o, s)).completedAt;
}

/** What the learner sees: the published version rendered, and how the item completes. */
export async function delivery(req: SignedInRequest, o: Opened, completedAt: string | null, watched: number) {
  const { allowEmbeds } = await req.settings(contentSettings);
  const v = o.version;
  const filePath = `/api/v1/courses/${o.item.courseId}/items/${o.item.itemId}/file`;
  return {
    courseId: o.item.courseId, itemId: o.item.itemId, title: o.item.title, required: o.item.required,
    content: {
      id: String(o.content.id), type: o.content.type, title: v.title, version: v.number,
      html: v.body === null ? null : renderedHtml(v.body), url: v.url, embedUrl: allowEmbeds && v.url && o.content.type === 'video' ? embedUrl(v.url) : null,
      file: v.file_key ? { name: v.file_name as string, size: Number(v.file_size), mediaType: v.media_type as string, href: filePath } : null,
    },
    completion: { rule: o.rule, watchPercent: o.watchPercent, watchedPercent: watched, completedAt, canComplete: o.enrollment.role === 'learner' && o.item.courseStatus === 'published' },
  };
}
export type Delivery = Awaited<ReturnType<typeof delivery>>;
