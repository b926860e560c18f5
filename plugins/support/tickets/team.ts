// The support team: everyone holding a role that grants support:handle at the system level (a role held
// at a course or category does not make a handler), capped. The queue's assign select and the new-ticket
// email use it; an assignee must be one of them.
import { CoreServices, SYSTEM, type PluginContext } from 'lectern';
import { ticketPermissions } from './permissions';

/** At most this many handlers are listed and emailed. */
export const MAX_TEAM = 100;

export async function supportTeam(ctx: PluginContext, limit = MAX_TEAM): Promise<string[]> {
  const engine = ctx.resolve(CoreServices.permissions);
  const roles = (await engine.listRoles()).filter((r) => r.permissions.includes(ticketPermissions.handle.name)).map((r) => r.key);
  const ids = new Set<string>();
  for (const role of roles) {
    const rows: { user_id: string | number }[] = await engine.holdersOf(role, SYSTEM).orderBy('a.user_id').limit(limit);
    for (const r of rows) ids.add(String(r.user_id));
  }
  return [...ids].sort((a, b) => Number(a) - Number(b)).slice(0, limit);
}

/** Whether the user may handle tickets (at the system level). */
export function isHandler(ctx: PluginContext, userId: string): Promise<boolean> {
  return ctx.resolve(CoreServices.permissions).can(userId, ticketPermissions.handle);
}
