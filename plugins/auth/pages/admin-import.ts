// The bulk import page: a CSV file chosen here is sent by the page's script to the import API
// (POST /api/v1/users/import), whose job the script then follows until it lists the failed lines.
import { Type, type PluginContext } from 'lectern';
import { authPermissions } from '../permissions';
import { authSettings } from '../settings';
import { queryPage } from './query-page';

export const importPage = queryPage({
  path: '/admin/users/import', title: 'Import users', permission: authPermissions.manageUsers, view: 'auth/admin/import',
  query: Type.Object({}),
  load: async (ctx: PluginContext) => ({ maxBytes: (await ctx.settings(authSettings)).importMaxBytes }),
});
