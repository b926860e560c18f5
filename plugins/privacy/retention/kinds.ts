// The kinds of personal data kept for a time, as the plugins' privacy providers declare them
// (PrivacyProvider.retention), with the days each is kept: the setting, else the kind's default.
import { CoreServices, type PluginContext, type RetentionKind } from 'lectern';
import { privacySettings } from '../settings';

export interface KeptKind { plugin: string; kind: RetentionKind; days: number }

export function declaredKinds(ctx: PluginContext): { plugin: string; kind: RetentionKind }[] {
  return ctx.resolve(CoreServices.privacy).list()
    .flatMap(({ plugin, provider }) => (provider.retention ?? []).map((kind) => ({ plugin, kind })));
}

export async function keptKinds(ctx: PluginContext): Promise<KeptKind[]> {
  const { retention } = await ctx.settings(privacySettings);
  return declaredKinds(ctx).map(({ plugin, kind }) => ({ plugin, kind, days: retention[kind.kind] ?? kind.defaultDays }));
}
