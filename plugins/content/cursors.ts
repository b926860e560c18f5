// The keys the content plugin's lists are paged by (API.md: `?cursor=` and `nextCursor`).
import { keyset } from 'lectern';

/** Content and objectives: by title (objectives: by code), then id. */
export const byTitle = keyset('string', 'int');
/** Versions: newest first, by number. */
export const byNumber = keyset('int');
