// Who may be enrolled: users the auth plugin knows and who are active. Looked up through auth's
// Directory, always outside a transaction (the directory reads with its own connection).
import { badRequest, type PluginContext } from 'lectern';
import { AuthDirectory, type DirectoryUser } from '../../auth';

export function directory(ctx: PluginContext) {
  return ctx.resolve(AuthDirectory);
}

/** Why a user cannot be enrolled, or null when they can. */
export function refusal(user: DirectoryUser | undefined): string | null {
  if (!user) return 'no such user';
  return user.status === 'active' ? null : 'the user is deactivated';
}

/** One user who must exist and be active; a 400 naming `field` otherwise. */
export async function activeUser(ctx: PluginContext, id: string, field: string): Promise<DirectoryUser> {
  const user = (await directory(ctx).user(id)) ?? undefined;
  const why = refusal(user);
  if (why) throw badRequest(`user ${id} cannot be enrolled: ${why}`, [{ path: field, message: why === 'no such user' ? 'is not a user' : 'is deactivated' }]);
  return user as DirectoryUser;
}
