// The courses plugin's server-rendered pages: the learner catalog, course page (with completion and
// self-enrollment) and my courses, and the admin course list with its create form.
import type { AdminPage, RouteRef } from 'lectern';
import { catalogPageRoutes } from './catalog';
import { coursePageRoutes } from './course';
import { myCoursesPageRoutes } from './my-courses';
import { courseCreateRoutes, coursesListPage } from './admin-courses';

export const pageRoutes: RouteRef[] = [...catalogPageRoutes, ...coursePageRoutes, ...myCoursesPageRoutes, ...courseCreateRoutes];
export const adminPages: AdminPage[] = [coursesListPage];
