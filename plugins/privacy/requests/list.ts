// A page of privacy requests, newest first: a privacy manager's with any filters, anyone else's only
// their own (the userId filter cannot widen it). Shared by the API list and the pages.
import { keyset, type SignedInRequest } from 'lectern';
import { isManager } from './actions';
import { REQUESTS, toRequest, type RequestRow, type RequestStatus, type RequestType } from './model';

export const newestFirst = keyset('int');

export interface RequestFilters { status?: RequestStatus; type?: RequestType; userId?: string }

export async function listRequests(req: SignedInRequest, f: RequestFilters, limit: number, cursor: [number] | undefined) {
  const q = req.db(REQUESTS).orderBy('id', 'desc').limit(limit + 1);
  if (!(await isManager(req))) q.where('user_id', req.principal.id);
  if (f.userId) q.where('user_id', f.userId);
  if (f.status) q.where('status', f.status);
  if (f.type) q.where('type', f.type);
  if (cursor) q.where('id', '<', cursor[0]);
  return newestFirst.page(await q as RequestRow[], limit, toRequest, (r) => [Number(r.id)]);
}
