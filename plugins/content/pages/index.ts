// The content plugin's server-rendered pages: the library with its create form, an item with its edit,
// upload and review forms, the review queue, version history and diff, objectives and their coverage
// (admin pages appear in the navigation of those allowed); and the learner's view of a course item.
import type { AdminPage, RouteRef } from 'lectern';
import { createContentRoute, libraryAdminPage } from './library';
import { itemPageRoutes } from './item';
import { reviewFormRoutes, reviewQueuePage } from './review';
import { versionPageRoutes } from './versions';
import { objectivePageRoutes, objectivesAdminPage } from './objectives';
import { viewPageRoutes } from './view';

export const pageRoutes: RouteRef[] = [createContentRoute, ...itemPageRoutes, ...reviewFormRoutes, ...versionPageRoutes, ...objectivePageRoutes, ...viewPageRoutes];
export const adminPages: AdminPage[] = [libraryAdminPage, reviewQueuePage, objectivesAdminPage];
