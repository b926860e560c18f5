// (placeholder) Server-rendered pages of the auth plugin: filled in by the pages work.
import type { AdminPage, RouteRef } from 'lectern';

export const pageRoutes: RouteRef[] = [];
export const adminPages: AdminPage[] = [];
