// The rules of privacy requests, shared by the API and the pages. A privacy manager may ask for anyone's
// export or erasure, approved at once (its job queued in the same transaction) — except their own erasure,
// which waits for another manager, as a person's own requests do. Anyone else may ask only about
// themselves; asking about another id is a 403 whether or not the account exists. Erasing the last active
// administrator is refused (409), when asked for, when approved and again when the job runs.
import { conflict, forbidden, notFound, type SignedInRequest } from 'lectern';
import { AuthDirectory } from 'lectern/auth';
import { privacyPermissions } from '../permissions';
import { isLastActiveAdmin } from './admins';
import { eraseJob, exportJob } from './jobs';
import { REQUESTS, type RequestRow, type RequestType } from './model';

const LAST_ADMIN = 'Cannot erase this person: they are the last active administrator.';
const OWN_ERASURE = 'Another privacy manager must approve the erasure of your own account.';

export const isManager = (req: SignedInRequest) => req.can(privacyPermissions.manage);

/** A request the caller may see (a privacy manager sees every request; anyone else, their own); 404 otherwise. */
export async function visibleRequest(req: SignedInRequest, id: string): Promise<RequestRow> {
  const row: RequestRow | undefined = await req.db(REQUESTS).where({ id }).first();
  if (!row || (String(row.user_id) !== req.principal.id && !(await isManager(req)))) throw notFound(`privacy request ${id} does not exist`);
  return row;
}

export async function createRequest(req: SignedInRequest, userId: string, type: RequestType): Promise<RequestRow> {
  const manager = await isManager(req);
  const own = userId === req.principal.id;
  if (!manager && !own) throw forbidden('You may only ask about your own data.');
  if (manager && !own && !(await req.resolve(AuthDirectory).user(userId))) throw notFound(`user ${userId} does not exist`);
  const approveNow = manager && !(own && type === 'erase');
  if (approveNow && type === 'erase' && (await isLastActiveAdmin(req, userId))) throw conflict(LAST_ADMIN);
  const open = await req.db(REQUESTS).where({ user_id: userId, type }).whereIn('status', ['pending', 'approved']).first('id');
  if (open) throw conflict(`There is already an open ${type} request (${open.id}) for this person.`);
  const now = req.now();
  return req.transaction(async (tx) => {
    const [row]: RequestRow[] = await tx.db(REQUESTS).insert({
      user_id: userId, type, status: approveNow ? 'approved' : 'pending', requested_by: req.principal.id,
      decided_by: approveNow ? req.principal.id : null, decided_at: approveNow ? now : null, created_at: now,
    }).returning('*');
    const id = String(row.id);
    await tx.audit({ action: `privacy.request.create`, target: { type: 'privacy-request', id }, details: { type, approved: approveNow } });
    if (approveNow) await tx.enqueue(type === 'export' ? exportJob : eraseJob, { requestId: id });
    return row;
  });
}

/** Approves (queues its job) or rejects a pending request; 409 when it is not pending. */
export async function decideRequest(req: SignedInRequest, id: string, decision: 'approve' | 'reject', reason?: string): Promise<RequestRow> {
  const row: RequestRow | undefined = await req.db(REQUESTS).where({ id }).first();
  if (!row) throw notFound(`privacy request ${id} does not exist`);
  if (row.status !== 'pending') throw conflict(`The request is ${row.status}, not pending.`);
  const userId = String(row.user_id);
  if (decision === 'approve' && row.type === 'erase') {
    if (userId === req.principal.id) throw conflict(OWN_ERASURE);
    if (await isLastActiveAdmin(req, userId)) throw conflict(LAST_ADMIN);
  }
  return req.transaction(async (tx) => {
    const [updated]: RequestRow[] = await tx.db(REQUESTS).where({ id, status: 'pending' }).update({
      status: decision === 'approve' ? 'approved' : 'rejected', decided_by: req.principal.id, decided_at: req.now(),
      reason: decision === 'reject' ? reason ?? null : null,
    }).returning('*');
    if (!updated) throw conflict('The request was decided meanwhile.');
    await tx.audit({ action: `privacy.request.${decision}`, target: { type: 'privacy-request', id } });
    if (decision === 'approve') await tx.enqueue(row.type === 'export' ? exportJob : eraseJob, { requestId: id });
    return updated;
  });
}
