// Whom a caller may enroll: an account they may already see. That is one auth's directory shows them (with
// users:view or users:find, everyone; otherwise themselves), or one enrolled, now or before, in a course where
// they hold courses:enroll (that course's enrollment list shows it to them already); and a cohort only when the
// directory shows it to them. Every way of enrolling people for a caller — by id, by email, by CSV, by cohort —
// asks here, and an unknown account (or cohort) and one out of reach get the same answer, so enrolling never
// tells anyone which accounts exist. Looked up through auth's Directory, always outside a transaction (the
// directory reads with its own connection).
import { badRequest, type PluginContext, type Principal } from 'lectern';
import { AuthDirectory, type DirectoryUser } from 'lectern/auth';
import { coursePermissions } from '../permissions';
import { isId } from '../params';
import { courseContext } from './courses';

export function directory(ctx: PluginContext) {
  return ctx.resolve(AuthDirectory);
}

/** Of `userIds`, those with an enrollment (any status) in a course where `caller` holds courses:enroll. */
async function enrolledWhereCallerEnrolls(ctx: PluginContext, caller: Principal, userIds: string[]): Promise<string[]> {
  const ids = userIds.filter(isId);
  if (!ids.length) return [];
  const rows: { course_id: number; user_id: number }[] = await ctx.db('courses_enrollments').whereIn('user_id', ids).select('course_id', 'user_id');
  const allowed = new Set<number>();
  for (const courseId of new Set(rows.map((r) => r.course_id))) {
    if (await ctx.can(caller, coursePermissions.enroll, courseContext(courseId))) allowed.add(courseId);
  }
  return [...new Set(rows.filter((r) => allowed.has(r.course_id)).map((r) => String(r.user_id)))];
}

/** Of `ids`, the accounts `caller` may enroll (deactivated ones too: the caller may see them); the others are absent. */
export async function enrollableUsers(ctx: PluginContext, caller: Principal, ids: string[]): Promise<Map<string, DirectoryUser>> {
  const visible = await directory(ctx).visibleUsers(caller, ids);
  const rest = ids.filter((id) => !visible.has(id));
  const known = await directory(ctx).usersById(await enrolledWhereCallerEnrolls(ctx, caller, rest));
  return new Map([...visible, ...known]);
}

/** As `enrollableUsers`, by email: keyed by the lowercased email; unknown and out-of-reach emails are absent. */
export async function enrollableByEmail(ctx: PluginContext, caller: Principal, emails: string[]): Promise<Map<string, DirectoryUser>> {
  const byEmail = await directory(ctx).usersByEmail(emails);
  const reachable = await enrollableUsers(ctx, caller, [...byEmail.values()].map((u) => u.id));
  return new Map([...byEmail].filter(([, user]) => reachable.has(user.id)));
}

/** Why a user (as `enrollableUsers` found them, or not) cannot be enrolled, or null when they can. */
export function refusal(user: DirectoryUser | undefined): 'out of reach' | 'deactivated' | null {
  if (!user) return 'out of reach';
  return user.status === 'active' ? null : 'deactivated';
}

/** `id` must be an active user `caller` may enroll; a 400 naming `field` otherwise, the same for an unknown account and one out of reach. */
export async function assertEnrollableUser(ctx: PluginContext, caller: Principal, id: string, field: string): Promise<void> {
  const why = refusal((await enrollableUsers(ctx, caller, [id])).get(id));
  if (why === 'out of reach') throw badRequest(`user ${id} cannot be enrolled: it is not an account you can enroll`, [{ path: field, message: 'is not an account you can enroll' }]);
  if (why) throw badRequest(`user ${id} cannot be enrolled: the user is deactivated`, [{ path: field, message: 'is deactivated' }]);
}

/** The caller enrolling themselves: they must be active. */
export function activeUser(ctx: PluginContext, id: string, field: string): Promise<void> {
  return assertEnrollableUser(ctx, { id }, id, field);
}

/** `id` must be a cohort `caller` may link to a course; a 400 otherwise, the same for an unknown cohort and one out of reach. */
export async function assertEnrollableCohort(ctx: PluginContext, caller: Principal, id: string): Promise<void> {
  if (!(await directory(ctx).visibleCohorts(caller, [id])).has(id)) {
    throw badRequest(`cohort ${id} cannot be linked: it is not a cohort you can enroll`, [{ path: 'body.cohortId', message: 'is not a cohort you can enroll' }]);
  }
}
