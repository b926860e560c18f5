// The auth plugin's server-rendered pages: signing in and out, password reset, the account page, and
// the admin pages for users, roles, cohorts and the bulk import.
import type { AdminPage, RouteRef } from 'lectern';
import { loginRoutes } from './login';
import { passwordResetRoutes } from './password-reset';
import { accountRoutes } from './account';
import { accountCredentialRoutes } from './account-credentials';
import { usersListPage, userCreateRoutes } from './admin-users';
import { userRoutes } from './admin-user';
import { userRoleRoutes } from './admin-user-roles';
import { rolesListPage, roleCreateRoutes } from './admin-roles';
import { roleRoutes } from './admin-role';
import { cohortsListPage, cohortCreateRoutes } from './admin-cohorts';
import { cohortRoutes } from './admin-cohort';
import { importPage } from './admin-import';

export const pageRoutes: RouteRef[] = [
  ...loginRoutes, ...passwordResetRoutes, ...accountRoutes, ...accountCredentialRoutes,
  // Before /admin/users/:id, which would otherwise take "import" for an id.
  importPage.route,
  usersListPage.route, ...userCreateRoutes, ...userRoutes, ...userRoleRoutes,
  rolesListPage.route, ...roleCreateRoutes, ...roleRoutes,
  cohortsListPage.route, ...cohortCreateRoutes, ...cohortRoutes,
];

export const adminPages: AdminPage[] = [usersListPage.nav, importPage.nav, rolesListPage.nav, cohortsListPage.nav];
