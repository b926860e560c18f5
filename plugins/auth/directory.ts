// The Directory service other plugins resolve: read-only lookups of users and cohorts, and the rule of whom a
// caller may find in it — everyone with users:view or users:find at the system context, otherwise only
// themselves — so a plugin that acts on people for a caller (enrolling them) never reveals other accounts.
import { containsPattern, type PluginContext, type Principal } from 'lectern';
import type { Directory, DirectoryUser } from './api';
import { cohortQuery, findCohort, isCohortId, toCohort } from './cohorts';
import { isUserId, type UserRow } from './users';
import { authPermissions } from './permissions';

const toEntry = (r: Pick<UserRow, 'id' | 'email' | 'name' | 'status'>): DirectoryUser => ({ id: String(r.id), email: r.email, name: r.name, status: r.status });
const COLUMNS = ['id', 'email', 'name', 'status'];

export function createDirectory(ctx: PluginContext): Directory {
  const findsAnyone = async (principal: Principal) =>
    (await ctx.can(principal, authPermissions.viewUsers)) || ctx.can(principal, authPermissions.findUsers);
  const directory: Directory = {
    async user(id) {
      if (!isUserId(id)) return null;
      const row = await ctx.db('auth_users').where({ id }).first(COLUMNS);
      return row ? toEntry(row) : null;
    },
    async usersByEmail(emails) {
      const lower = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
      const out = new Map<string, DirectoryUser>();
      for (let i = 0; i < lower.length; i += 1000) {
        const rows = await ctx.db('auth_users').whereRaw('lower(email) = any(?)', [lower.slice(i, i + 1000)]).select(COLUMNS);
        for (const r of rows) out.set(String(r.email).toLowerCase(), toEntry(r));
      }
      return out;
    },
    async usersById(ids) {
      const valid = [...new Set(ids.filter(isUserId))];
      const out = new Map<string, DirectoryUser>();
      for (let i = 0; i < valid.length; i += 1000) {
        for (const r of await ctx.db('auth_users').whereIn('id', valid.slice(i, i + 1000)).select(COLUMNS)) out.set(String(r.id), toEntry(r));
      }
      return out;
    },
    async searchUsers(text, limit) {
      const pattern = containsPattern(text.trim());
      const ids = await ctx.db('auth_users').whereILike('name', pattern).orWhereILike('email', pattern).orderBy('id').limit(limit).pluck('id');
      return ids.map(String);
    },
    cohort: (id) => findCohort(ctx.db, id),
    async cohortsById(ids) {
      const valid = [...new Set(ids.filter(isCohortId))];
      const rows = valid.length ? await cohortQuery(ctx.db).whereIn('c.id', valid) : [];
      return new Map(rows.map((r: Parameters<typeof toCohort>[0]) => [String(r.id), toCohort(r)]));
    },
    async cohortIds({ after, limit }) {
      if (after !== undefined && !isCohortId(after)) return [];
      const q = ctx.db('auth_cohorts').orderBy('id').limit(limit).pluck('id');
      if (after) q.where('id', '>', after);
      return (await q).map(String);
    },
    async cohortMembers(cohortId, opts = {}) {
      if (!isCohortId(cohortId)) return [];
      const q = ctx.db('auth_cohort_members').where({ cohort_id: cohortId }).orderBy('user_id').limit(opts.limit ?? 1000).pluck('user_id');
      if (opts.after) q.where('user_id', '>', opts.after);
      return (await q).map(String);
    },
    async visibleUsers(principal, ids) {
      return directory.usersById((await findsAnyone(principal)) ? ids : ids.filter((id) => id === principal.id));
    },
    async visibleCohorts(principal, ids) {
      return (await findsAnyone(principal)) ? directory.cohortsById(ids) : new Map();
    },
    async visibleCohortsByName(principal, limit) {
      if (!(await findsAnyone(principal))) return [];
      return (await cohortQuery(ctx.db).orderByRaw('lower(c.name), c.id').limit(limit)).map(toCohort);
    },
  };
  return directory;
}
