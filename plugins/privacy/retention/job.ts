// The daily retention job: for each kind of personal data a plugin declares, deletes what is older than
// the days it is kept (0 keeps it for ever). Each run records when it ran and its counts (for the
// retention page) and leaves one `privacy.retention` audit record with them. Running twice deletes nothing more.
import { defineJob, Type, type PluginContext } from 'lectern';
import { keptKinds } from './kinds';

const DAY_MS = 86_400_000;
export const RUNS = 'privacy_retention_runs';

export async function applyRetention(ctx: PluginContext): Promise<Record<string, number>> {
  const now = ctx.now();
  const counts: Record<string, number> = {};
  const days: Record<string, number> = {};
  for (const { kind, days: kept } of await keptKinds(ctx)) {
    days[kind.kind] = kept;
    counts[kind.kind] = kept > 0 ? await kind.prune(new Date(now.getTime() - kept * DAY_MS), ctx) : 0;
  }
  await ctx.transaction(async (tx) => {
    await tx.db(RUNS).insert({ id: 1, ran_at: now, counts: JSON.stringify(counts) }).onConflict('id').merge();
    await tx.audit({ action: 'privacy.retention', details: { counts, days } });
  });
  return counts;
}

export const retentionJob = defineJob({
  name: 'privacy.retention',
  payload: Type.Object({}, { additionalProperties: false }),
  schedule: { cron: '29 4 * * *', payload: {} },
  handler: (_payload, job) => applyRetention(job),
});
