// The keys the reporting plugin's own lists are paged by.
import { keyset } from 'lectern';

/** Schedules: by id. */
export const byIdAsc = keyset('int');

/** A schedule's runs: by due time (ISO), newest first; a schedule has one run per due time. */
export const byDueAtDesc = keyset('string');
