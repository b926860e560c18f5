// The policies API (API.md "Support, privacy"): GET /api/v1/policies lists the current version of each
// policy and POST publishes a new version (privacy:manage); GET /api/v1/me/policies tells the caller what is
// published and what they must still accept, and POST /api/v1/me/policy-acceptances records an acceptance.
import { defineRoute, reply } from 'lectern';
import { privacyPermissions } from '../permissions';
import { acceptPolicy, publishPolicy } from './actions';
import { PolicyCacheRef } from './cache';
import { renderPolicy } from './markdown';
import type { PolicyVersion } from './model';
import { Acceptance, AcceptBody, MyPolicies, PolicyList, PolicyVersionSchema, PublishBody } from './schemas';

export const toJson = (v: PolicyVersion) => ({
  id: v.id, kind: v.kind, version: v.version, title: v.title, body: v.body, html: renderPolicy(v.body), publishedAt: v.publishedAt.toISOString(),
});

export const policyRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/policies', permission: privacyPermissions.manage, summary: 'The current version of each published policy',
    responses: { 200: PolicyList },
    handler: async (req) => ({ items: (await req.resolve(PolicyCacheRef).versions()).map(toJson) }),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/policies', permission: privacyPermissions.manage, body: PublishBody,
    summary: 'Publish a new version of a policy: everyone must accept it before going on', responses: { 201: PolicyVersionSchema },
    handler: async (req) => reply.created(toJson(await publishPolicy(req, req.body))),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/me/policies', authenticated: true, summary: 'The published policies and those the caller must still accept',
    responses: { 200: MyPolicies },
    async handler(req) {
      const cache = req.resolve(PolicyCacheRef);
      const [current, pending] = await Promise.all([cache.versions(), cache.pending(req.principal.id)]);
      return { current: current.map(toJson), pending: pending.map((v) => v.id) };
    },
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/me/policy-acceptances', authenticated: true, body: AcceptBody,
    summary: 'Accept the current version of a policy', responses: { 201: Acceptance }, errors: [409],
    async handler(req) {
      const accepted = await acceptPolicy(req, req.body.policyVersionId);
      return reply.created({ policyVersionId: accepted.policyVersionId, acceptedAt: accepted.acceptedAt.toISOString() });
    },
  }),
];
