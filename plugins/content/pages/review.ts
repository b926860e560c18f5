// Review on the pages: the queue of items waiting for an approver (/admin/content/review,
// content:approve), and the item page's review forms — submit, approve (ticked as reviewed first: it
// publishes to learners), reject with a reason, and "still current" for published content due for
// review. Each runs the same action as the JSON API (actions/review.ts).
import { badRequest, defineAdminPage, defineRoute, filled, pagerLinks, Type } from 'lectern';
import { byTitle } from '../cursors';
import { contentPermissions } from '../permissions';
import { approve, confirmCurrent, reject, submit } from '../actions/review';
import { listContent } from '../model/items';
import { ContentParams } from '../schemas';
import { itemForm } from './item';
import { labelled } from './labels';

const PATH = '/admin/content/review';
const PAGE_SIZE = 50;

export const reviewQueuePage = defineAdminPage({
  path: PATH, title: 'Review queue', permission: contentPermissions.approve, view: 'content/admin/review',
  query: Type.Object({ cursor: byTitle.cursor }),
  async load(req) {
    const list = await listContent(req.db, { status: 'in_review', limit: PAGE_SIZE, cursor: req.query.cursor });
    return { items: list.items.map(labelled), pager: pagerLinks(PATH, {}, list.nextCursor, req.query.cursor !== undefined) };
  },
});

const form = { html: true as const, params: ContentParams };

export const reviewFormRoutes = [
  defineRoute({
    ...form, method: 'POST', path: '/admin/content/:id/submit', permission: contentPermissions.update, body: Type.Object({}),
    summary: 'Submit the latest draft for review (form)',
    handler: (req) => itemForm(req, 'submit', {}, 'submitted', () => submit(req, req.params.id)),
  }),

  defineRoute({
    ...form, method: 'POST', path: '/admin/content/:id/approve', permission: contentPermissions.approve,
    body: Type.Object({ reviewed: Type.Optional(Type.String({ maxLength: 10 })) }),
    summary: 'Approve the version in review: learners see it from now on (form)',
    handler: (req) => itemForm(req, 'approve', req.body, 'approved', () => {
      if (req.body.reviewed !== 'yes') throw badRequest('Tick the box to confirm you reviewed this version.', [{ path: 'body.reviewed', message: 'must be ticked to publish' }]);
      return approve(req, req.params.id);
    }),
  }),

  defineRoute({
    ...form, method: 'POST', path: '/admin/content/:id/reject', permission: contentPermissions.approve,
    body: Type.Object({ reason: Type.String({ maxLength: 2_000 }) }), summary: 'Send the version in review back to draft, with the reason (form)',
    handler: (req) => itemForm(req, 'reject', req.body, 'rejected', () => reject(req, req.params.id, filled(req.body.reason, 'reason'))),
  }),

  defineRoute({
    ...form, method: 'POST', path: '/admin/content/:id/confirm-review', permission: contentPermissions.approve, body: Type.Object({}),
    summary: 'Confirm the published version is still current (form)',
    handler: (req) => itemForm(req, 'confirm', {}, 'confirmed', () => confirmCurrent(req, req.params.id)),
  }),
];
