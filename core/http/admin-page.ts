// Admin pages with a typed query: `defineAdminPage` takes the page's query schema and a `load` that
// receives the request with that query already typed (the core validated it) and a signed-in caller,
// and gives the `AdminPage` the manifest lists.
import type { Static, TObject } from '@sinclair/typebox';
import type { PermissionRef } from '../plugin';
import type { AdminPage } from '../manifest';
import type { SignedInRequest } from './route';

export interface AdminPageDef<Q extends TObject> {
  path: string;
  title: string;
  permission: PermissionRef;
  view: string;
  /** Schema of the page's query string (search, filters, a cursor). */
  query?: Q;
  /** The page's data for this request. */
  load?(req: SignedInRequest<unknown, Static<Q>>): Promise<Record<string, unknown>>;
}

export function defineAdminPage<Q extends TObject>(def: AdminPageDef<Q>): AdminPage {
  const { load, ...page } = def;
  // The core serves the page as a route with `permission` and `query`: the caller is known and the query valid.
  return { ...page, load: load && ((req) => load(req as SignedInRequest<unknown, Static<Q>>)) };
}
