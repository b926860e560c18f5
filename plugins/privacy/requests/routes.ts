// The privacy requests API (API.md "Support, privacy"): ask for an export or erasure, list and read
// requests, approve or reject them, download an export. The rules are in actions.ts.
import { defineRoute, pageOf, reply, Type } from 'lectern';
import { privacyPermissions } from '../permissions';
import { createRequest, decideRequest, visibleRequest } from './actions';
import { downloadBundle } from './download';
import { listRequests, newestFirst } from './list';
import { IdString, PrivacyRequest, RequestStatusSchema, RequestTypeSchema, toRequest } from './model';

const Params = Type.Object({ id: IdString });

export const requestRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/privacy/requests', authenticated: true,
    body: Type.Object({ userId: IdString, type: RequestTypeSchema }, { additionalProperties: false }),
    summary: "Ask for a person's data export or erasure (a privacy manager's is approved at once; one's own waits for approval)",
    responses: { 201: PrivacyRequest }, errors: [409],
    handler: async (req) => reply.created(toRequest(await createRequest(req, req.body.userId, req.body.type))),
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/privacy/requests', authenticated: true,
    query: Type.Object({
      ...newestFirst.query, status: Type.Optional(RequestStatusSchema), type: Type.Optional(RequestTypeSchema), userId: Type.Optional(IdString),
    }),
    summary: 'Privacy requests, newest first (a privacy manager: all; anyone else: their own)', responses: { 200: pageOf(PrivacyRequest) },
    handler: async (req) => listRequests(req, req.query, req.query.limit, req.query.cursor),
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/privacy/requests/:id', authenticated: true, params: Params,
    summary: 'A privacy request (its subject or a privacy manager)', responses: { 200: PrivacyRequest },
    handler: async (req) => toRequest(await visibleRequest(req, req.params.id)),
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/privacy/requests/:id/approve', permission: privacyPermissions.manage, params: Params,
    summary: 'Approve a pending privacy request (its job is queued)', responses: { 200: PrivacyRequest }, errors: [409],
    handler: async (req) => toRequest(await decideRequest(req, req.params.id, 'approve')),
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/privacy/requests/:id/reject', permission: privacyPermissions.manage, params: Params,
    body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '^[^\\u0000]*$' }) }, { additionalProperties: false }),
    summary: 'Reject a pending privacy request, saying why', responses: { 200: PrivacyRequest }, errors: [409],
    handler: async (req) => toRequest(await decideRequest(req, req.params.id, 'reject', req.body.reason)),
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/privacy/requests/:id/download', authenticated: true, params: Params,
    summary: 'Download an export bundle (its subject or a privacy manager)', responses: { 200: { media: 'application/json' } }, errors: [409, 410],
    handler: async (req) => downloadBundle(req, await visibleRequest(req, req.params.id)),
  }),
];
