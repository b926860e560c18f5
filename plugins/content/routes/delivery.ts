// Delivery to learners (API.md: GET /api/v1/courses/:id/items/:itemId/view): the published version of
// a course item's content, rendered, with a view recorded; "done" for items that complete on it, the
// watched share of an uploaded video, and the file of file and video items (whole or by Range; a
// download from the start completes a file item).
import { conflict, defineRoute, Type, type SignedInRequest } from 'lectern';
import { complete, completeOnOpen, completedNow, delivery, openItem, recordView } from '../model/delivery';
import { serveFile } from '../model/files';
import { CourseItemParams, Delivery, ItemDone } from '../schemas';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Opens an item for the caller, counts the view and completes what completes on opening. */
export async function viewItem(req: SignedInRequest, courseId: string, itemId: string) {
  const opened = await openItem(req, courseId, itemId);
  const state = await recordView(req, opened);
  return delivery(req, opened, await completeOnOpen(req, opened, state), state.watched_percent);
}

export async function markDone(req: SignedInRequest, courseId: string, itemId: string) {
  const opened = await openItem(req, courseId, itemId);
  if (opened.rule !== 'done') throw conflict(`This item completes when it is ${opened.rule === 'watch' ? 'watched' : opened.rule === 'download' ? 'downloaded' : 'opened'}.`);
  const state = await recordView(req, opened);
  const done = await complete(req, opened, state);
  return { ...done, watchedPercent: state.watched_percent };
}

export async function markWatched(req: SignedInRequest, courseId: string, itemId: string, percent: number) {
  const opened = await openItem(req, courseId, itemId);
  if (opened.rule !== 'watch') throw conflict('Only uploaded videos report how much was watched.');
  const state = await recordView(req, opened, percent);
  if (completedNow(opened, state)) return { completedAt: iso(state.completed_at), courseCompletedAt: null, watchedPercent: state.watched_percent };
  if (state.watched_percent < (opened.watchPercent as number) || opened.enrollment.role !== 'learner' || opened.item.courseStatus !== 'published') {
    return { completedAt: null, courseCompletedAt: null, watchedPercent: state.watched_percent };
  }
  return { ...await complete(req, opened, state), watchedPercent: state.watched_percent };
}

export async function itemFile(req: SignedInRequest, courseId: string, itemId: string) {
  const opened = await openItem(req, courseId, itemId);
  if (!opened.version.file_key) throw conflict('This item has no file.');
  const { reply, fromStart } = await serveFile(req, opened.version);
  if (fromStart && opened.rule === 'download') {
    const state = await recordView(req, opened);
    if (!completedNow(opened, state) && opened.enrollment.role === 'learner' && opened.item.courseStatus === 'published') await complete(req, opened, state);
  }
  return reply;
}

/** Any signed-in caller; a 403 for one not enrolled in the course (declared on the GETs: the core derives it for the others). */
const inCourse = { authenticated: true, params: CourseItemParams } as const;

export const deliveryRoutes = [
  defineRoute({
    ...inCourse, method: 'GET', path: '/api/v1/courses/:id/items/:itemId/view',
    summary: "A course item's published content, rendered, for an enrolled person; records a view (and completes items that complete on opening)",
    responses: { 200: Delivery }, errors: [403, 409],
    handler: (req) => viewItem(req, req.params.id, req.params.itemId),
  }),
  defineRoute({
    ...inCourse, method: 'POST', path: '/api/v1/courses/:id/items/:itemId/done',
    summary: 'Mark an item done, for items that complete when the learner says so', responses: { 200: ItemDone }, errors: [409],
    handler: (req) => markDone(req, req.params.id, req.params.itemId),
  }),
  defineRoute({
    ...inCourse, method: 'POST', path: '/api/v1/courses/:id/items/:itemId/watched',
    body: Type.Object({ percent: Type.Integer({ minimum: 0, maximum: 100 }) }, { additionalProperties: false }),
    summary: 'Report how much of an uploaded video was watched; completes it at its share', responses: { 200: ItemDone }, errors: [409],
    handler: (req) => markWatched(req, req.params.id, req.params.itemId, req.body.percent),
  }),
  defineRoute({
    ...inCourse, method: 'GET', path: '/api/v1/courses/:id/items/:itemId/file',
    summary: "A course item's file, whole or by Range; downloading a file item completes it",
    responses: { 200: { media: '*/*' }, 206: { media: '*/*' } }, errors: [403, 409, 416],
    handler: (req) => itemFile(req, req.params.id, req.params.itemId),
  }),
];
