// Reading and changing retention: the kinds with their days and the last run; a change names only kinds
// some plugin declares (any other is a 400 naming it) and is audited.
import { badRequest, CoreServices, type PluginContext } from 'lectern';
import { privacySettings } from '../settings';
import { declaredKinds, keptKinds } from './kinds';
import { RUNS } from './job';

export async function retentionState(ctx: PluginContext) {
  const [kinds, run] = await Promise.all([
    keptKinds(ctx),
    ctx.db(RUNS).where({ id: 1 }).first('ran_at', 'counts') as Promise<{ ran_at: Date | string; counts: Record<string, number> } | undefined>,
  ]);
  return {
    kinds: kinds.map(({ plugin, kind, days }) => ({ kind: kind.kind, plugin, label: kind.label, days, defaultDays: kind.defaultDays })),
    lastRun: run ? { at: new Date(run.ran_at).toISOString(), counts: run.counts } : null,
  };
}

export async function setRetention(ctx: PluginContext, days: Record<string, number>): Promise<void> {
  const known = new Set(declaredKinds(ctx).map((k) => k.kind.kind));
  const unknown = Object.keys(days).filter((k) => !known.has(k));
  if (unknown.length) {
    throw badRequest(`No plugin keeps data of the kind ${unknown.join(', ')}.`, unknown.map((k) => ({ path: `body.days.${k}`, message: 'is not a kind of data any plugin keeps' })));
  }
  const { retention } = await ctx.settings(privacySettings);
  await ctx.transaction(async (tx) => {
    await tx.resolve(CoreServices.settings).update('privacy', { retention: { ...retention, ...days } }, tx.db);
    await tx.audit({ action: 'privacy.retention.set', details: { days } });
  });
}
