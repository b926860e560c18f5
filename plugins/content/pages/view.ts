// The learner's page of a course item (/courses/:id/items/:itemId/view), where the course page links
// content items: the published version as viewItem delivers it (403 for someone not enrolled, 404 for
// an item not of this course, both on the theme's error page) — a page's sanitized HTML, a link, a
// video (uploaded: a player whose script reports the share watched; hosted: the embedded player or a
// link), a file to download — with the item's completion, and "Mark as done" (markDone) where it takes one.
import { defineRoute, Done, doneNotice, reply, Reply, Type } from 'lectern';
import { EMBED_ORIGINS } from '../model/embed';
import { markDone, viewItem } from '../routes/delivery';
import { CourseItemParams } from '../schemas';

const VIEW = 'content/view';
const NOTICES = { done: 'Marked as done.' };

/** The core's Content-Security-Policy (core/http/server.ts), copied exactly; a page with an embedded player adds the players' origins. */
const CORE_POLICY = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
const EMBED_POLICY = `${CORE_POLICY}; frame-src ${EMBED_ORIGINS.join(' ')}`;

const RULES = {
  opened: () => 'This item is complete once you open it.',
  done: () => 'Mark this item as done when you have finished it.',
  download: () => 'This item is complete once you download its file.',
  watch: (percent: number | null) => `This item is complete once you have watched ${percent ?? 100}% of the video.`,
};

export const viewPageRoutes = [
  defineRoute({
    method: 'GET', path: '/courses/:id/items/:itemId/view', authenticated: true, html: true, params: CourseItemParams,
    query: Type.Object({ done: Done }), summary: 'A course item\'s content, for an enrolled learner (page)',
    async handler(req) {
      const { id, itemId } = req.params;
      const item = await viewItem(req, id, itemId);
      const { content, completion } = item;
      const page = await req.page(VIEW, {
        title: item.title, item, notice: doneNotice(NOTICES, req.query.done),
        isPage: content.type === 'page', isLink: content.type === 'link', isFile: content.type === 'file', isVideo: content.type === 'video',
        watchedUrl: `/api/v1/courses/${id}/items/${itemId}/watched`,
        rule: RULES[completion.rule](completion.watchPercent),
        canMarkDone: completion.rule === 'done' && completion.canComplete && !completion.completedAt,
      });
      if (!content.embedUrl) return page;
      return new Reply(page.status, page.body, { ...page.headers, 'Content-Security-Policy': EMBED_POLICY }, page.type);
    },
  }),

  defineRoute({
    method: 'POST', path: '/courses/:id/items/:itemId/done', authenticated: true, html: true, params: CourseItemParams, body: Type.Object({}),
    summary: 'Mark an item done, for items that complete when the learner says so (form)',
    async handler(req) {
      const { id, itemId } = req.params;
      await markDone(req, id, itemId);
      return reply.redirect(`/courses/${id}/items/${itemId}/view?done=done`);
    },
  }),
];
