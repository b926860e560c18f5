// The review workflow's JSON API: submit a draft, approve or reject it, confirm published content is still current.
import { defineRoute, Type } from 'lectern';
import { contentPermissions } from '../permissions';
import { approve, confirmCurrent, reject, submit } from '../actions/review';
import { Content, ContentParams } from '../schemas';

const action = { params: ContentParams, responses: { 200: Content }, errors: [409] } as const;

export const reviewRoutes = [
  defineRoute({
    ...action, method: 'POST', path: '/api/v1/content/:id/submit', permission: contentPermissions.update,
    summary: 'Submit the latest draft for review', handler: (req) => submit(req, req.params.id),
  }),
  defineRoute({
    ...action, method: 'POST', path: '/api/v1/content/:id/approve', permission: contentPermissions.approve,
    summary: 'Approve the version in review: it becomes what learners see', handler: (req) => approve(req, req.params.id),
  }),
  defineRoute({
    ...action, method: 'POST', path: '/api/v1/content/:id/reject', permission: contentPermissions.approve,
    body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2_000, pattern: '\\S' }) }, { additionalProperties: false }),
    summary: 'Send the version in review back to draft, with the reason', handler: (req) => reject(req, req.params.id, req.body.reason.trim()),
  }),
  defineRoute({
    ...action, method: 'POST', path: '/api/v1/content/:id/confirm-review', permission: contentPermissions.approve,
    summary: 'Confirm the published version is still current: its review cycle starts again', handler: (req) => confirmCurrent(req, req.params.id),
  }),
];
