// The manifest a plugin exports (`definePlugin`): everything it brings — routes, jobs, permissions,
// roles, events, pages, services — as data. Apart from plugin.ts (the references plugins exchange) so
// that the HTTP layer can use those references without depending on the manifest.
import type { TSchema } from '@sinclair/typebox';
import type { RouteRef, RouteRequest } from './http/route';
import type {
  CommandDef, Contribution, EventRef, ExtensionPointRef, IdentityProvider, JobRef, NavLink, PermissionRef, PluginContext,
  PrivacyProvider, Principal, Registrar, RequestGuard, RoleDef, SeedCounts, SeedPlan, ServiceRef, Subscription,
} from './plugin';

/** A page in the admin navigation, served by the core: GET `path` renders `view` with what `load` returns. */
export interface AdminPage {
  path: string;
  title: string;
  permission: PermissionRef;
  view: string;
  /** Schema of the page's query string (search, filters, a cursor); validated like a route's. */
  query?: TSchema;
  /** The page's data, worked out for this request (its caller, permission checks and validated query). */
  load?: (req: RouteRequest, principal: Principal, input: { query: Record<string, unknown> }) => Promise<Record<string, unknown>>;
}

export interface PluginManifest<S extends TSchema = TSchema> {
  /** kebab-case; prefixes the plugin's tables, jobs and events. */
  name: string;
  version: string;
  /** semver range of the core this plugin works with. */
  core: string;
  description?: string;
  dependsOn?: string[];
  settings?: S;
  permissions?: Readonly<Record<string, PermissionRef>>;
  /** Built-in roles this plugin brings (the core ships only `admin`); several plugins may declare one key. */
  roles?: RoleDef[];
  events?: EventRef<unknown>[];
  extensionPoints?: ExtensionPointRef<unknown>[];
  contributes?: Contribution[];
  /** Directory of compiled migration files (`0001_name.js` exporting `up(knex)`). */
  migrations?: string;
  /** Directory of this plugin's Handlebars views. */
  views?: string;
  /** Directory of this plugin's UI strings, `<locale>.json` files of keys beginning with its name. */
  lang?: string;
  /** Directory of this plugin's static files (its pages' scripts), served at /assets/<name>/<file>. */
  assets?: string;
  routes?: RouteRef[];
  jobs?: JobRef[];
  admin?: AdminPage[];
  /** Links in the main navigation for signed-in users (a catalog, "my courses"), after Home and before the admin pages. */
  nav?: NavLink[];
  subscribe?: Subscription[];
  exports?: ServiceRef<unknown>[];
  commands?: CommandDef[];
  privacy?: PrivacyProvider;
  /** Checks every request may go on (see RequestGuard); run in plugin order. */
  guards?: RequestGuard[];
  /** Resolves who is calling; provided by the auth plugin. */
  identity?: IdentityProvider;
  register?(c: Registrar): void;
  start?(ctx: PluginContext): Promise<void>;
  stop?(ctx: PluginContext): Promise<void>;
  /**
   * `lectern seed`: fills this plugin's own tables with a made-up organization of `plan`'s size, in bulk. Called
   * in dependency order, so what an earlier plugin seeded is there to read through its public surface.
   */
  seed?(plan: SeedPlan, ctx: PluginContext): Promise<SeedCounts>;
}

export interface Plugin<S extends TSchema = TSchema> extends Readonly<PluginManifest<S>> { readonly kind: 'plugin' }

export function definePlugin<S extends TSchema>(manifest: PluginManifest<S>): Plugin<S> {
  return Object.freeze({ kind: 'plugin' as const, ...manifest });
}
