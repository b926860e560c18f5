// Changes to accounts, shared by the JSON API and the pages: creating (with an invitation when no
// password is given), editing, deactivating and reactivating, and a person changing their own
// name or password. Each is one transaction with its audit record and events.
import { badRequest, CoreServices, forbidden, notFound, SYSTEM, type RouteRequest, type SignedInRequest } from 'lectern';
import { authPermissions } from './permissions';
import { authSettings } from './settings';
import { checkPolicy, hashPassword, verifyPassword } from './passwords';
import { checkEmail, findByEmail, getUser, insertUser, revokeCredentials, setStatus, type UserRow, type UserStatus } from './users';
import { sendLink } from './links';
import { userCreated, userDeactivated, userReactivated } from './api';
import { SESSION_COOKIE } from './sessions';
import { digest } from './secrets';
import { credentialsChanged } from './credential-changes';

export async function createUser(req: RouteRequest, input: { email: string; name: string; password?: string; roles?: string[] }): Promise<UserRow> {
  const { email, name, password, roles = [] } = input;
  checkEmail(email);
  const settings = await req.settings(authSettings);
  if (password !== undefined) checkPolicy(password, settings, 'body.password', email);
  if (roles.length && !(await req.can(authPermissions.manageRoles))) throw forbidden('Assigning roles needs roles:manage.');
  const engine = req.resolve(CoreServices.permissions);
  return req.transaction(async (tx) => {
    const row = await insertUser(tx.db, { email, name, passwordHash: password ? await hashPassword(password) : null });
    const id = String(row.id);
    for (const role of roles) await engine.assign(id, role, SYSTEM, tx.db);
    if (!password) await sendLink(tx, { id, email: row.email, name: row.name }, 'invitation', settings, req.now(), (p) => req.url(p));
    await tx.audit({ action: 'auth.user.create', target: { type: 'user', id }, details: { email: row.email, roles, invited: !password } });
    tx.emit(userCreated, { userId: id, email: row.email });
    return row;
  });
}

/** An administrator's edit; a new password ends every session and token of the account. Unchanged fields are no change. */
export async function updateUser(req: RouteRequest, id: string, input: { email?: string; name?: string; password?: string }): Promise<UserRow> {
  const before = await getUser(req.db, id);
  const email = input.email?.trim();
  const name = input.name?.trim();
  if (email !== undefined) {
    checkEmail(email);
    const other = await findByEmail(req.db, email);
    if (other && String(other.id) !== id) throw badRequest(`a user with email ${email} already exists`, [{ path: 'body.email', message: 'is taken' }]);
  }
  if (input.password !== undefined) checkPolicy(input.password, await req.settings(authSettings), 'body.password', email ?? before.email);
  const changes: Record<string, unknown> = {};
  if (email !== undefined && email !== before.email) changes.email = email;
  if (name !== undefined && name !== before.name) changes.name = name;
  if (input.password !== undefined) changes.password_hash = await hashPassword(input.password);
  if (!Object.keys(changes).length) return before;
  return req.transaction(async (tx) => {
    // The principal carries the name and email; a new password ends every credential.
    if (changes.password_hash) await revokeCredentials(req, tx.db, id);
    else await credentialsChanged(req, tx.db, [id]);
    const [row] = await tx.db('auth_users').where({ id }).update({ ...changes, updated_at: req.now() }).returning('*');
    await tx.audit({
      action: 'auth.user.update', target: { type: 'user', id },
      details: {
        fields: Object.keys(changes).map((k) => (k === 'password_hash' ? 'password' : k)),
        ...(changes.email ? { email: { from: before.email, to: email } } : {}),
      },
    });
    return row as UserRow;
  });
}

export function changeStatus(req: RouteRequest, id: string, status: UserStatus): Promise<UserRow> {
  return req.transaction(async (tx) => {
    const row = await setStatus(req, tx, id, status);
    tx.emit(status === 'deactivated' ? userDeactivated : userReactivated, { userId: id });
    return row;
  });
}

/** The caller changes their own name and/or password (checked against the current one); other sessions end with the old password. */
export async function updateOwnAccount(req: RouteRequest, me: UserRow, input: { name?: string; password?: string; currentPassword?: string; locale?: string | null }): Promise<UserRow> {
  const id = String(me.id);
  if (input.locale != null && !req.resolve(CoreServices.views).catalogs.locales().includes(input.locale)) {
    throw badRequest(`There are no pages in language "${input.locale}".`, [{ path: 'body.locale', message: 'is not an available language' }]);
  }
  if (input.password !== undefined) {
    if (!(await verifyPassword(input.currentPassword ?? '', me.password_hash))) {
      throw badRequest('The current password is wrong.', [{ path: 'body.currentPassword', message: 'does not match' }]);
    }
    checkPolicy(input.password, await req.settings(authSettings), 'body.password', me.email);
  }
  const changes: Record<string, unknown> = { updated_at: req.now() };
  if (input.name !== undefined) changes.name = input.name.trim();
  if (input.password !== undefined) changes.password_hash = await hashPassword(input.password);
  if (input.locale !== undefined) changes.locale = input.locale || null;
  return req.transaction(async (tx) => {
    await credentialsChanged(req, tx.db, [id]);
    if (input.password !== undefined) {
      // API tokens are separate credentials and stay; this session stays signed in.
      const current = req.cookies.get(SESSION_COOKIE);
      await tx.db('auth_sessions').where({ user_id: id }).whereNot({ token_hash: current ? digest(current) : '' }).delete();
    }
    const [row] = await tx.db('auth_users').where({ id }).update(changes).returning('*');
    const fields = [...(input.name !== undefined ? ['name'] : []), ...(input.password !== undefined ? ['password'] : []), ...(input.locale !== undefined ? ['locale'] : [])];
    await tx.audit({ action: 'auth.user.update', target: { type: 'user', id }, details: { fields } });
    return row as UserRow;
  });
}

/** The caller ends one of their sessions or revokes one of their API tokens. */
export async function revokeOwn(req: SignedInRequest, what: 'session' | 'token', id: string): Promise<void> {
  await req.transaction(async (tx) => {
    const n = await tx.db(`auth_${what}s`).where({ id, user_id: req.principal.id }).delete();
    if (!n) throw notFound(`${what} ${id} does not exist`);
    await credentialsChanged(req, tx.db, [req.principal.id]);
    await tx.audit({ action: `auth.${what}.revoke`, target: { type: what, id } });
  });
}
