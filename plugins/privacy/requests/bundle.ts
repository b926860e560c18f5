// The export bundle: what every enabled plugin's privacy provider (and the core's) holds about one person,
// as `{ subject: { id }, generatedAt, plugins: { <plugin>: <its export> } }`. Each provider answers for
// its own tables only, so the bundle holds nobody else's data unless a provider shares it. Providers
// return rows as their tables name them; the bundle names every field in camelCase, as the API does, so
// no column name reaches the person.
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
    if (plugin === 'core' || enabled.has(plugin)) plugins[plugin] = camelKeys(await provider.export(userId, ctx)) as Record<string, unknown>;
  }
  return { subject: { id: userId }, generatedAt: ctx.now().toISOString(), plugins };
}

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The value with every object key in camelCase, however deep (dates and other values as they are). */
function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), camelKeys(v)]));
}
