// The courses plugin's server-rendered pages: the learner catalog, course page (with completion and
// self-enrollment) and my courses; the admin course list with its create form, and the course editor.
import type { AdminPage, RouteRef } from 'lectern';
import { catalogPageRoutes } from './catalog';
import { coursePageRoutes } from './course';
import { myCoursesPageRoutes } from './my-courses';
import { courseCreateRoutes, coursesListPage } from './admin-courses';
import { courseEditorRoutes } from './admin-course';

export const pageRoutes: RouteRef[] = [...catalogPageRoutes, ...coursePageRoutes, ...myCoursesPageRoutes, ...courseCreateRoutes, ...courseEditorRoutes];
export const adminPages: AdminPage[] = [coursesListPage];
