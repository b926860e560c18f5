// The keys the courses plugin's lists are paged by (API.md: `?cursor=` and `nextCursor`).
import { keyset } from 'lectern';

/** Categories, cohort links, enrollments: by id. */
export const byId = keyset('int');
/** Courses: by title, then id. */
export const byTitle = keyset('string', 'int');
/** Sections: by position, then id. */
export const byPosition = keyset('int', 'int');
