// Admin pages whose GET needs a query schema (search, filters, a cursor), or must be mounted before a
// route with a parameter under the same path (/admin/users/import before /admin/users/:id). The
// core's AdminPage gives such a page its nav entry, but the GET route the core mounts for it has no
// query schema; a plugin's own routes are mounted before its admin routes, so the route made here is
// the one that answers.
import {
  defineRoute, type AdminPage, type PermissionRef, type PluginContext, type Principal, type RouteRef, type Static, type TSchema,
} from 'lectern';

export interface QueryPage<Q extends TSchema> {
  path: string;
  title: string;
  permission: PermissionRef;
  view: string;
  query: Q;
  load(ctx: PluginContext, principal: Principal | null, query: Static<Q>): Promise<Record<string, unknown>>;
}

export function queryPage<Q extends TSchema>(page: QueryPage<Q>): { nav: AdminPage; route: RouteRef } {
  return {
    nav: { path: page.path, title: page.title, permission: page.permission, view: page.view },
    route: defineRoute({
      method: 'GET', path: page.path, permission: page.permission, html: true, summary: page.title, query: page.query,
      handler: async (req) => req.page(page.view, { title: page.title, ...(await page.load(req, req.principal, req.query)) }),
    }),
  };
}
