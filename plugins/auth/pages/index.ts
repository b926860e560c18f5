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
  ...userCreateRoutes, ...userRoutes, ...userRoleRoutes, ...roleCreateRoutes, ...roleRoutes, ...cohortCreateRoutes, ...cohortRoutes,
];

/** Served by the core before the routes above, so /admin/users/import wins over /admin/users/:id. */
export const adminPages: AdminPage[] = [usersListPage, importPage, rolesListPage, cohortsListPage];
