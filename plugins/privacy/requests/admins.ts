// Whether erasing a person would leave the system without an active administrator (auth refuses to
// deactivate the last one; an erasure deactivates the account, so it is refused the same way).
import { CoreServices, SYSTEM, type PluginContext } from 'lectern';
import { AuthDirectory } from 'lectern/auth';

export async function isLastActiveAdmin(ctx: PluginContext, userId: string): Promise<boolean> {
  const rows: { user_id: string }[] = await ctx.resolve(CoreServices.permissions).holdersOf('admin', SYSTEM, ctx.db);
  const ids = [...new Set(rows.map((r) => String(r.user_id)))];
  if (!ids.includes(userId)) return false;
  const users = await ctx.resolve(AuthDirectory).usersById(ids);
  const active = ids.filter((id) => users.get(id)?.status === 'active');
  return active.length === 1 && active[0] === userId;
}
