// Who is reading: the roles a person holds (at any context, plus the system's default role) and whether
// they manage help. Answered from the core's permission caches, so asking costs no query once warm.
// An article naming roles is seen by holders of any of them; one naming none by every signed-in person;
// a draft only by managers, who see everything.
import { CoreServices, type PluginContext, type Principal } from 'lectern';
import { helpPermissions } from '../permissions';

export interface Viewer { id: string; roles: string[]; manager: boolean }

export async function viewerOf(ctx: PluginContext, principal: Principal): Promise<Viewer> {
  const engine = ctx.resolve(CoreServices.permissions);
  const [assignments, fallback, manager] = await Promise.all([
    engine.assignmentsOfUser(principal.id), engine.defaultRoleKey(), ctx.can(principal, helpPermissions.manage),
  ]);
  const roles = new Set(assignments.map((a) => a.role));
  if (fallback) roles.add(fallback);
  return { id: principal.id, roles: [...roles].sort(), manager };
}

export function canSee(viewer: Viewer, article: { roles: readonly string[]; published: boolean }): boolean {
  if (viewer.manager) return true;
  return article.published && (article.roles.length === 0 || article.roles.some((r) => viewer.roles.includes(r)));
}
