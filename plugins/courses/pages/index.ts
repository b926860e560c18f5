// (placeholder) Server-rendered pages of the courses plugin — admin category tree, course list and editor,
// sections/items editor, enrollment list with import and cohort enrollment; learner catalog, my courses
// and course page — filled in by the pages work on top of the HTTP API.
import type { AdminPage, RouteRef } from 'lectern';

export const pageRoutes: RouteRef[] = [];
export const adminPages: AdminPage[] = [];
