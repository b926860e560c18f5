// Which courses a caller holds a permission in, as a filter for list queries: everywhere (a role at
// system context), or beneath the categories and courses where one of their roles grants it. Answered
// from the permission engine's cached checks; categories are expanded to their whole subtree in SQL.
import { CoreServices, type Knex, type PermissionRef, type RouteRequest } from 'lectern';

export interface Scope { all: boolean; courseIds: string[]; categoryIds: string[] }

export async function scopeOf(req: RouteRequest, permission: PermissionRef): Promise<Scope> {
  const scope: Scope = { all: false, courseIds: [], categoryIds: [] };
  if (!req.principal) return scope;
  if (await req.can(permission)) return { ...scope, all: true };
  const assignments = await req.resolve(CoreServices.permissions).assignmentsOfUser(req.principal.id);
  for (const { context } of assignments) {
    if (context.type === 'system' || !context.id || !(await req.can(permission, context))) continue;
    (context.type === 'course' ? scope.courseIds : scope.categoryIds).push(context.id);
  }
  return scope;
}

export const isEmpty = (s: Scope) => !s.all && !s.courseIds.length && !s.categoryIds.length;

/** Adds "course `c` lies in the scope" to a query (a scope that is everywhere adds nothing). */
export function whereInScope(q: Knex.QueryBuilder, scope: Scope): void {
  if (scope.all) return;
  if (isEmpty(scope)) {
    q.whereRaw('false');
    return;
  }
  q.where((w) => {
    if (scope.courseIds.length) w.orWhereRaw('c.id = any(?::bigint[])', [scope.courseIds]);
    if (scope.categoryIds.length) {
      w.orWhereRaw(`c.category_id in (with recursive sub(id) as (
          select id from courses_categories where id = any(?::bigint[])
          union all select k.id from courses_categories k join sub on k.parent_id = sub.id)
        select id from sub)`, [scope.categoryIds]);
    }
  });
}
