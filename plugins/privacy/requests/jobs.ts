// The jobs that carry out approved requests, and the sweep that deletes export bundles past their expiry.
// Each job reads its request and acts only while it is still `approved`, so a second run changes nothing.
// An export writes the bundle to the core storage, then marks the request ready in one transaction. An
// erasure runs every provider's erase (enabled or not: the data of a disabled plugin is still personal
// data), the plugins that depend on others first and auth's and the core's last — each provider erases
// in its own transaction and is safe to run again, so a failed run is retried until all have run — then
// marks the request done and records it in the audit log (the request and who decided; no personal data).
import { CoreServices, defineJob, Type, type JobContext, type PluginContext } from 'lectern';
import { privacySettings } from '../settings';
import { buildBundle } from './bundle';
import { isLastActiveAdmin } from './admins';
import { bundleKey, IdString, REQUESTS, type RequestRow } from './model';

const DAY_MS = 24 * 60 * 60 * 1000;

async function approved(job: JobContext, requestId: string, type: RequestRow['type']): Promise<RequestRow | undefined> {
  return job.db(REQUESTS).where({ id: requestId, type, status: 'approved' }).first();
}

export const exportJob = defineJob({
  name: 'privacy.export',
  payload: Type.Object({ requestId: IdString }),
  async handler({ requestId }, job) {
    const row = await approved(job, requestId, 'export');
    if (!row) return { done: false };
    const bundle = await buildBundle(String(row.user_id), job);
    const key = bundleKey(requestId);
    const stored = await job.resolve(CoreServices.storage).put(key, Buffer.from(JSON.stringify(bundle, null, 2)));
    const { exportExpiryDays } = await job.settings(privacySettings);
    const now = job.now();
    await job.transaction(async (tx) => {
      const n = await tx.db(REQUESTS).where({ id: requestId, status: 'approved' }).update({
        status: 'ready', file_key: key, file_size: stored.size, completed_at: now, expires_at: new Date(now.getTime() + exportExpiryDays * DAY_MS),
      });
      if (n) await tx.audit({ action: 'privacy.export.ready', target: { type: 'privacy-request', id: requestId } });
    });
    return { done: true, size: stored.size };
  },
});

export const eraseJob = defineJob({
  name: 'privacy.erase',
  payload: Type.Object({ requestId: IdString }),
  async handler({ requestId }, job) {
    const row = await approved(job, requestId, 'erase');
    if (!row) return { done: false };
    const userId = String(row.user_id);
    if (await isLastActiveAdmin(job, userId)) {
      await job.db(REQUESTS).where({ id: requestId, status: 'approved' })
        .update({ status: 'failed', error: 'The person is the last active administrator.', completed_at: job.now() });
      return { done: false };
    }
    for (const { provider } of [...job.resolve(CoreServices.privacy).list()].reverse()) await provider.erase(userId, job);
    await job.transaction(async (tx) => {
      const n = await tx.db(REQUESTS).where({ id: requestId, status: 'approved' }).update({ status: 'done', completed_at: job.now() });
      if (n) {
        await tx.audit({
          action: 'privacy.erase.done', actorId: row.decided_by === null ? null : String(row.decided_by),
          target: { type: 'privacy-request', id: requestId },
          details: { requestedBy: row.requested_by === null ? null : String(row.requested_by), requestedAt: new Date(row.created_at).toISOString() },
        });
      }
    });
    return { done: true };
  },
});

/** Removes a ready export's bundle and marks it expired (the sweep and a download past expiry both do). */
export async function expireExport(ctx: PluginContext, row: RequestRow): Promise<void> {
  if (row.file_key) await ctx.resolve(CoreServices.storage).delete(row.file_key);
  await ctx.db(REQUESTS).where({ id: row.id, status: 'ready' }).update({ status: 'expired', file_key: null });
}

export const expireExports = defineJob({
  name: 'privacy.expireExports',
  payload: Type.Object({}),
  schedule: { cron: '17 * * * *', payload: {} },
  async handler(_payload, job) {
    const rows: RequestRow[] = await job.db(REQUESTS).where({ status: 'ready' }).where('expires_at', '<=', job.now()).select();
    for (const row of rows) await expireExport(job, row);
    return { expired: rows.length };
  },
});
