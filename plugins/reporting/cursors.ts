// The keys the reporting plugin's own lists are paged by.
import { keyset } from 'lectern';

/** Schedules: by id. */
export const byIdAsc = keyset('int');
