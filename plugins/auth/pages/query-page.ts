// Admin pages with a typed query string (search, filters, a cursor): the core validates the query
// against the schema and hands it to `load`, typed here.
import type { AdminPage, PermissionRef, PluginContext, Principal, Static, TSchema } from 'lectern';

export interface QueryPage<Q extends TSchema> {
  path: string;
  title: string;
  permission: PermissionRef;
  view: string;
  query: Q;
  load(ctx: PluginContext, principal: Principal | null, query: Static<Q>): Promise<Record<string, unknown>>;
}

export function queryPage<Q extends TSchema>(page: QueryPage<Q>): AdminPage {
  return { ...page, load: (ctx, principal, { query }) => page.load(ctx, principal, query as Static<Q>) };
}
