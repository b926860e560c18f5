// The bulk import page: a CSV file chosen here is sent by the page's script to the import API
// (POST /api/v1/users/import), whose job the script then follows until it lists the failed lines.
import { defineAdminPage } from 'lectern';
import { authPermissions } from '../permissions';
import { authSettings } from '../settings';

export const importPage = defineAdminPage({
  path: '/admin/users/import', title: 'Import users', permission: authPermissions.manageUsers, view: 'auth/admin/import',
  load: async (req) => ({ maxBytes: (await req.settings(authSettings)).importMaxBytes }),
});
