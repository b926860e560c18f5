// The keys the reporting plugin's own lists are paged by.
import { keyset } from 'lectern';

/** Schedules: by id. */
export const byIdAsc = keyset('int');

/** A course's learners (the completion report and its page): the sort, the last row's value of it as text, its user id. */
export const byLearnerSort = keyset('string', 'string', 'int');
/** A schedule's runs: by due time (ISO), newest first; a schedule has one run per due time. */
export const byDueAtDesc = keyset('string');
