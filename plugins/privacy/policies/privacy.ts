// What the policies part holds about a person: which policy versions they accepted and when (exported,
// and deleted on erasure), and the versions they published (kept, without the link to them).
import type { PluginContext } from 'lectern';
import { ACCEPTANCES, VERSIONS } from './model';

export const policyTables = [VERSIONS, ACCEPTANCES];

export async function exportPolicies(userId: string, ctx: PluginContext): Promise<Record<string, unknown>> {
  const accepted = await ctx.db(`${ACCEPTANCES} as a`).join(`${VERSIONS} as v`, 'v.id', 'a.version_id').where('a.user_id', userId)
    .orderBy('a.accepted_at').select('v.kind', 'v.version', 'v.title', 'a.accepted_at');
  return { policyAcceptances: accepted };
}

export async function erasePolicies(userId: string, ctx: PluginContext): Promise<void> {
  await ctx.db(ACCEPTANCES).where({ user_id: userId }).delete();
  await ctx.db(VERSIONS).where({ created_by: userId }).update({ created_by: null });
}
