// The request guard of policies: a signed-in person who has not accepted the current version of every
// published policy is stopped until they do — a browser asking for a page is sent (303) to
// /policies/accept?next=<the page>, anything else gets a 403 problem+json `policy-acceptance-required`
// naming the versions to accept. Signing in and out, the policy pages and API, /api/v1/me and assets stay
// open; anonymous requests pass, and so do holders of privacy:bypassPolicies (administrators, integration
// accounts). Everything comes from memory (PolicyCache and the permission cache): no query per request.
import { HttpError, type RequestGuard } from 'lectern';
import { privacyPermissions } from '../permissions';
import { PolicyCacheRef } from './cache';

export const ACCEPT_PATH = '/policies/accept';

const OPEN_PATHS = new Set([
  '/login', '/logout', '/api/v1/auth/login', '/api/v1/auth/logout', '/api/v1/me/policies', '/api/v1/me/policy-acceptances',
]);
const OPEN_PREFIXES = ['/assets/', '/policies/'];

export const policyGuard: RequestGuard = async (req, ctx) => {
  if (!req.principal || OPEN_PATHS.has(req.path) || OPEN_PREFIXES.some((p) => req.path.startsWith(p))) return;
  // Who the caller is, so a client can learn what it must do; changing the account waits.
  if (req.path === '/api/v1/me' && req.method === 'GET') return;
  const pending = await ctx.resolve(PolicyCacheRef).pending(req.principal.id);
  if (!pending.length || await req.can(privacyPermissions.bypassPolicies)) return;
  if (req.method === 'GET' && !req.path.startsWith('/api/')) {
    throw new HttpError(303, 'policy-acceptance-required', 'See other', 'Accept the current policies first.', undefined,
      { Location: `${ACCEPT_PATH}?next=${encodeURIComponent(req.path)}` });
  }
  throw new HttpError(403, 'policy-acceptance-required', 'Policy acceptance required',
    `Accept the current version of ${pending.map((v) => `"${v.title}"`).join(' and ')} first (POST /api/v1/me/policy-acceptances).`,
    pending.map((v) => ({ path: 'policyVersionId', message: `${v.id} (${v.kind} version ${v.version})` })));
};

/** `next` when it is a page of this site (a relative path, not `//host`), else the home page. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith(ACCEPT_PATH) ? next : '/';
}
