// Accounts: the rows, their public shape, and the changes that must stay consistent — unique
// case-insensitive email, deactivation that revokes every credential at once, and the rule that
// the last active administrator cannot be locked out.
import { badRequest, conflict, containsPattern, CoreServices, notFound, SYSTEM, type Knex, type PluginContext, type TransactionContext } from 'lectern';
import { credentialsChanged } from './credential-changes';

export type UserStatus = 'active' | 'deactivated';
export interface UserRow {
  id: number; email: string; name: string; status: UserStatus; password_hash: string | null;
  created_at: Date; updated_at: Date; last_login_at: Date | null; deactivated_at: Date | null;
  /** The language chosen for pages; null follows the system's. */
  locale?: string | null;
}
export interface User {
  id: string; email: string; name: string; status: UserStatus;
  createdAt: string; updatedAt: string; lastLoginAt: string | null; deactivatedAt: string | null;
}

const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());

export function toUser(r: UserRow): User {
  return {
    id: String(r.id), email: r.email, name: r.name, status: r.status,
    createdAt: iso(r.created_at) as string, updatedAt: iso(r.updated_at) as string,
    lastLoginAt: iso(r.last_login_at), deactivatedAt: iso(r.deactivated_at),
  };
}

/** Ids are opaque strings to clients; here they are bigint keys. */
export const isUserId = (id: string) => /^[0-9]{1,18}$/.test(id);

export async function findUser(db: Knex, id: string): Promise<UserRow | undefined> {
  if (!isUserId(id)) return undefined;
  return db('auth_users').where({ id }).first();
}

export async function getUser(db: Knex, id: string): Promise<UserRow> {
  const row = await findUser(db, id);
  if (!row) throw notFound(`user ${id} does not exist`);
  return row;
}

export function findByEmail(db: Knex, email: string): Promise<UserRow | undefined> {
  return db('auth_users').whereRaw('lower(email) = lower(?)', [email]).first();
}

export async function insertUser(db: Knex, input: { email: string; name: string; passwordHash?: string | null }): Promise<UserRow> {
  const rows: UserRow[] = await db('auth_users')
    .insert({ email: input.email.trim(), name: input.name.trim(), password_hash: input.passwordHash ?? null })
    .onConflict(db.raw('(lower(email))')).ignore()
    .returning('*');
  if (!rows.length) throw conflict(`a user with email ${input.email} already exists`);
  return rows[0];
}

/** Ends every session and API token of a user, and every unused link. */
export async function revokeCredentials(ctx: PluginContext, db: Knex, userId: string): Promise<void> {
  await credentialsChanged(ctx, db, [userId]);
  await db('auth_sessions').where({ user_id: userId }).delete();
  await db('auth_tokens').where({ user_id: userId }).delete();
  await db('auth_links').where({ user_id: userId }).whereNull('used_at').delete();
}

/** Active users holding the admin role at the system context (a query to run, lock or test for rows). */
export function activeAdmins(ctx: PluginContext, db: Knex): Knex.QueryBuilder {
  const admins = ctx.resolve(CoreServices.permissions).holdersOf('admin', SYSTEM, db);
  return db('auth_users as u').where('u.status', 'active').whereRaw('u.id::text in ?', [admins]).select('u.id');
}

/** Refuses a change that would leave no active administrator (the admins are locked for the rest of the transaction). */
export async function assertNotLastAdmin(ctx: PluginContext, db: Knex, userId: string, action: string): Promise<void> {
  const rows: { id: number }[] = await activeAdmins(ctx, db).forUpdate('u');
  const admins = rows.map((r) => String(r.id));
  if (admins.length === 1 && admins[0] === userId) throw conflict(`Cannot ${action}: this is the last active administrator.`);
}

export async function setStatus(ctx: PluginContext, tx: TransactionContext, userId: string, status: UserStatus): Promise<UserRow> {
  const before = await tx.db('auth_users').where({ id: userId }).forUpdate().first();
  if (!before) throw notFound(`user ${userId} does not exist`);
  if (before.status === status) return before as UserRow;
  if (status === 'deactivated') {
    await assertNotLastAdmin(ctx, tx.db, userId, 'deactivate this user');
    await revokeCredentials(ctx, tx.db, userId);
  }
  const [row] = await tx.db('auth_users').where({ id: userId }).update({
    status, deactivated_at: status === 'deactivated' ? tx.db.fn.now() : null, updated_at: tx.db.fn.now(),
  }).returning('*');
  await tx.audit({ action: status === 'deactivated' ? 'auth.user.deactivate' : 'auth.user.reactivate', target: { type: 'user', id: userId } });
  return row as UserRow;
}

export function checkEmail(email: string, field = 'body.email'): void {
  if (email.trim() !== email || /[\u0000-\u001f\u007f]/.test(email) || !/^[^\s@]+@[^\s@]+\.[^\s@]+$|^[^\s@]+@localhost$/.test(email)) {
    throw badRequest(`"${email}" is not an email address`, [{ path: field, message: 'must be an email address' }]);
  }
}

/** The page of users matching a filter, ordered by id. */
export async function listUsers(ctx: PluginContext, f: { q?: string; status?: UserStatus; role?: string; cohortId?: string; limit: number; after?: number }): Promise<UserRow[]> {
  const q = ctx.db('auth_users as u').select('u.*').orderBy('u.id').limit(f.limit + 1);
  if (f.after) q.where('u.id', '>', f.after);
  if (f.status) q.where('u.status', f.status);
  if (f.q) {
    const like = containsPattern(f.q.toLowerCase());
    q.where((w) => w.whereRaw('lower(u.email) like ?', [like]).orWhereRaw('lower(u.name) like ?', [like]));
  }
  if (f.role) {
    q.whereRaw('u.id::text in ?', [ctx.resolve(CoreServices.permissions).holdersOf(f.role)]);
  }
  if (f.cohortId) {
    q.whereExists((s) => s.select(ctx.db.raw('1')).from('auth_cohort_members as m')
      .whereRaw('m.user_id = u.id').andWhere('m.cohort_id', f.cohortId as string));
  }
  return q;
}
