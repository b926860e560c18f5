// The export bundle: what every enabled plugin's privacy provider (and the core's) holds about one person,
// as `{ subject: { id }, generatedAt, plugins: { <plugin>: <its export> } }`. Each provider answers for
// its own tables only, so the bundle holds nobody else's data unless a provider shares it.
import { CoreServices, type PluginContext } from 'lectern';

export interface Bundle {
  subject: { id: string };
  generatedAt: string;
  plugins: Record<string, Record<string, unknown>>;
}

export async function buildBundle(userId: string, ctx: PluginContext): Promise<Bundle> {
  const enabled = new Set(ctx.resolve(CoreServices.system).plugins().filter((p) => p.enabled).map((p) => p.name));
  const plugins: Record<string, Record<string, unknown>> = {};
  for (const { plugin, provider } of ctx.resolve(CoreServices.privacy).list()) {
    if (plugin === 'core' || enabled.has(plugin)) plugins[plugin] = await provider.export(userId, ctx);
  }
  return { subject: { id: userId }, generatedAt: ctx.now().toISOString(), plugins };
}
