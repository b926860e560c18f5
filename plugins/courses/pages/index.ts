// The courses plugin's server-rendered pages: the learner catalog, course page (with completion and
// self-enrollment) and my courses; the admin course list with its create form, the course editor, a
// course's enrollments, and the categories.
import type { AdminPage, RouteRef } from 'lectern';
import { catalogPageRoutes } from './catalog';
import { coursePageRoutes } from './course';
import { myCoursesPageRoutes } from './my-courses';
import { courseCreateRoutes, coursesListPage } from './admin-courses';
import { courseEditorRoutes } from './admin-course';
import { enrollmentPageRoutes } from './admin-enrollments';
import { categoriesListPage, categoryPageRoutes } from './admin-categories';

export const pageRoutes: RouteRef[] = [
  ...catalogPageRoutes, ...coursePageRoutes, ...myCoursesPageRoutes, ...courseCreateRoutes, ...courseEditorRoutes, ...enrollmentPageRoutes, ...categoryPageRoutes,
];
export const adminPages: AdminPage[] = [coursesListPage, categoriesListPage];
