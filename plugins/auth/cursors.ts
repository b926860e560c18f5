// The auth plugin's lists (accounts, cohorts, members) are keyset-paged by id, in the API and on the pages.
import { keyset } from 'lectern';

export const byId = keyset('int');

/** Rows per page on the admin pages. */
export const PAGE_SIZE = 50;
