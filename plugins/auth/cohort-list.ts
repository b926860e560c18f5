// The CohortList service other plugins resolve: cohorts by name for a picker, and by id to name the
// cohorts they refer to, one query each.
import type { PluginContext } from 'lectern';
import type { CohortList } from './api';
import { cohortQuery, isCohortId, toCohort } from './cohorts';

export function createCohortList(ctx: PluginContext): CohortList {
  return {
    async byName(limit) {
      return (await cohortQuery(ctx.db).orderByRaw('lower(c.name), c.id').limit(limit)).map(toCohort);
    },
    async byIds(ids) {
      const valid = [...new Set(ids.filter(isCohortId))];
      const rows = valid.length ? await cohortQuery(ctx.db).whereIn('c.id', valid) : [];
      return new Map(rows.map((r: Parameters<typeof toCohort>[0]) => [String(r.id), toCohort(r)]));
    },
  };
}
