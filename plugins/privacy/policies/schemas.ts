// The shapes of the policies API (API.md "Support, privacy"): a policy version, what a person must still
// accept, and an acceptance.
import { named, Type } from 'lectern';
import { POLICY_KINDS } from './model';

export const TITLE_MAX = 200;
export const BODY_MAX = 200_000;

export const PolicyKindSchema = Type.Union(POLICY_KINDS.map((k) => Type.Literal(k)), { description: 'privacy (the privacy notice) or terms (terms of use)' });

export const PolicyVersionSchema = named('PolicyVersion', Type.Object({
  id: Type.String(), kind: PolicyKindSchema, version: Type.Integer({ minimum: 1 }), title: Type.String(),
  body: Type.String({ description: 'Markdown' }), html: Type.String({ description: 'The body rendered to sanitized HTML' }),
  publishedAt: Type.String({ format: 'date-time' }),
}));

export const PolicyList = Type.Object({ items: Type.Array(PolicyVersionSchema, { description: 'The current version of each policy published' }) });

export const MyPolicies = Type.Object({
  current: Type.Array(PolicyVersionSchema, { description: 'The current version of each published policy' }),
  pending: Type.Array(Type.String(), { description: 'Ids of the current versions the caller has not accepted yet; while any is left, other requests are refused' }),
});

export const PublishBody = Type.Object({
  kind: PolicyKindSchema,
  title: Type.String({ minLength: 1, maxLength: TITLE_MAX }),
  body: Type.String({ minLength: 1, maxLength: BODY_MAX, description: 'Markdown' }),
}, { additionalProperties: false });

export const AcceptBody = Type.Object({
  policyVersionId: Type.String({ pattern: '^[0-9]{1,18}$' }),
}, { additionalProperties: false });

export const Acceptance = Type.Object({ policyVersionId: Type.String(), acceptedAt: Type.String({ format: 'date-time' }) });
