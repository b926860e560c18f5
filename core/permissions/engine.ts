// Permissions as data (Moodle's model, simplified): plugins register permissions; roles are sets of
// them; a role is assigned to a user at a context (system, category, course) and applies to every
// context beneath it. Checks are answered from memory; a change to roles or contexts bumps the
// "permissions" revision, which clears the caches on every instance, and a change to a user's role
// assignments drops only that user's cached assignments (a keyed notice), so enrolling one learner
// leaves everyone else's checks warm.
import type { Knex } from 'knex';
import { SYSTEM, type ContextRef, type ContextType, type PermissionRef, type RoleDef } from '../plugin';
import { badRequest, conflict, notFound } from '../http/errors';
import { withTransaction, type Revisions } from '../sync';
import { LruMap } from './lru';

export interface Role { key: string; name: string; description: string; builtin: boolean; permissions: string[] }
export interface Assignment { id: string; userId: string; role: string; context: ContextRef }
export interface PermissionInfo { name: string; plugin: string; context: ContextType; risks: string[]; description: string }

type CachedAssignment = Assignment & { contextId: number };
/** `after` and `limit` page the list by id (ascending). */
type AssignmentFilter = { userId?: string; id?: string; role?: string; context?: ContextRef; after?: number; limit?: number };

const REVISION = 'permissions';
/** Keyed notices: the users whose role assignments changed. */
const USER_ASSIGNMENTS = 'permissions.users';
const ADMIN = 'admin';
const KEY_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

export class PermissionEngine {
  private readonly registry = new Map<string, { ref: PermissionRef; plugin: string }>();
  private readonly declaredRoles = new Map<string, RoleDef>();
  private rolePermissions: Promise<Map<string, Set<string>>> | undefined;
  private readonly paths = new LruMap<string, Promise<number[]>>(20_000);
  private readonly userAssignments = new LruMap<string, Promise<CachedAssignment[]>>(20_000);

  /**
   * `defaultRole` names the role every signed-in principal holds at the system context without a stored
   * assignment (the core setting `defaultRole`, read through its cached store; null for none).
   */
  constructor(private readonly db: Knex, private readonly revisions: Revisions,
    private readonly defaultRole: () => Promise<string | null> = () => Promise.resolve(null)) {
    revisions.on(REVISION, () => this.clearCaches());
    revisions.on(USER_ASSIGNMENTS, (userIds) => {
      if (!userIds) this.userAssignments.clear();
      else for (const id of userIds) this.userAssignments.delete(id);
    });
  }

  /** Roles plugins declare (the first declaration of a key names it). */
  registerRoles(roles: readonly RoleDef[]): void {
    for (const role of roles) if (!this.declaredRoles.has(role.key)) this.declaredRoles.set(role.key, role);
  }

  register(plugin: string, refs: Iterable<PermissionRef>): void {
    for (const ref of refs) {
      const existing = this.registry.get(ref.name);
      if (existing && existing.plugin !== plugin) throw new Error(`permission "${ref.name}" is registered by both "${existing.plugin}" and "${plugin}"`);
      this.registry.set(ref.name, { ref, plugin });
    }
  }

  /**
   * Stores the registry and creates missing declared roles. A permission seen for the first time goes to
   * admin and its default roles; a role created now gets every known permission that names it as a default.
   */
  async syncRegistry(): Promise<void> {
    await withTransaction(this.db, async (trx) => {
      const known = new Set<string>(await trx('core_permissions').pluck('name'));
      const declared = [...this.declaredRoles.values()].map((r) => ({ key: r.key, name: r.name, description: r.description ?? '', builtin: true }));
      const inserted: { key: string }[] = declared.length ? await trx('core_roles').insert(declared).onConflict('key').ignore().returning('key') : [];
      const created = new Set(inserted.map((r) => r.key));
      const roles = new Set<string>(await trx('core_roles').pluck('key'));
      for (const { ref, plugin } of this.registry.values()) {
        await trx('core_permissions')
          .insert({ name: ref.name, plugin, context: ref.context, risks: JSON.stringify(ref.risks), description: ref.description })
          .onConflict('name').merge();
        const defaults = Object.keys(ref.defaults);
        const grantees = known.has(ref.name) ? defaults.filter((r) => created.has(r)) : [ADMIN, ...defaults].filter((r) => roles.has(r));
        if (!grantees.length) continue;
        await trx('core_role_permissions').insert(grantees.map((role_key) => ({ role_key, permission: ref.name }))).onConflict().ignore();
      }
      await this.revisions.bump(REVISION, trx);
    });
  }

  listPermissions(): PermissionInfo[] {
    return [...this.registry.values()]
      .map(({ ref, plugin }) => ({ name: ref.name, plugin, context: ref.context, risks: [...ref.risks], description: ref.description }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The role every signed-in account holds at the system context (virtual, never stored), or null. */
  defaultRoleKey(): Promise<string | null> {
    return this.defaultRole();
  }

  // ---- checks -------------------------------------------------------------------------------

  async can(userId: string | null | undefined, permission: PermissionRef, context: ContextRef = SYSTEM): Promise<boolean> {
    if (!userId) return false;
    const [path, assignments, roles, fallback] = await Promise.all([this.contextPath(context), this.assignmentsOf(userId), this.roles(), this.defaultRole()]);
    if (fallback && roles.get(fallback)?.has(permission.name) === true) return true;
    return assignments.some((a) => path.includes(a.contextId) && roles.get(a.role)?.has(permission.name) === true);
  }

  /** Every permission the user holds at a context (for "what may I do here"). */
  async permissionsAt(userId: string, context: ContextRef = SYSTEM): Promise<string[]> {
    const [path, assignments, roles, fallback] = await Promise.all([this.contextPath(context), this.assignmentsOf(userId), this.roles(), this.defaultRole()]);
    const out = new Set<string>(fallback ? roles.get(fallback) ?? [] : []);
    for (const a of assignments) if (path.includes(a.contextId)) for (const p of roles.get(a.role) ?? []) out.add(p);
    return [...out].sort();
  }

  private clearCaches(): void {
    this.rolePermissions = undefined;
    this.paths.clear();
    this.userAssignments.clear();
  }

  private roles(): Promise<Map<string, Set<string>>> {
    this.rolePermissions ??= this.db('core_role_permissions').select('role_key', 'permission').then((rows: { role_key: string; permission: string }[]) => {
      const map = new Map<string, Set<string>>();
      for (const r of rows) map.set(r.role_key, (map.get(r.role_key) ?? new Set()).add(r.permission));
      return map;
    }, (err: unknown) => { this.rolePermissions = undefined; throw err; });
    return this.rolePermissions;
  }

  /** Context ids from the system down to `context`; an unregistered context is only "under system". */
  private contextPath(context: ContextRef): Promise<number[]> {
    if (context.type === 'system') return Promise.resolve([1]);
    const key = `${context.type}:${context.id}`;
    return this.paths.getOrSet(key, () => this.db('core_contexts').where({ type: context.type, instance_id: context.id ?? '' }).first('path')
      .then((row?: { path: string }) => (row ? parsePath(row.path) : [1])));
  }

  private assignmentsOf(userId: string): Promise<CachedAssignment[]> {
    return this.userAssignments.getOrSet(userId, () => this.queryAssignments({ userId }, this.db));
  }

  /**
   * The ids (text) of users holding `role` at exactly `context`, or at any context when it is omitted:
   * a subquery for `whereIn`, so a plugin can filter its own rows by role without naming core tables.
   */
  holdersOf(role: string, context?: ContextRef, db: Knex = this.db): Knex.QueryBuilder {
    const q = db('core_role_assignments as a').select('a.user_id').where('a.role_key', role);
    if (context) q.join('core_contexts as c', 'c.id', 'a.context_id').where({ 'c.type': context.type, 'c.instance_id': context.id ?? '' });
    return q;
  }

  /** The roles each of `userIds` holds at exactly `context` (users without one are left out). */
  async rolesAt(userIds: readonly string[], context: ContextRef, db: Knex = this.db): Promise<Map<string, Set<string>>> {
    const held = new Map<string, Set<string>>();
    if (!userIds.length) return held;
    const rows: { user_id: string; role_key: string }[] = await db('core_role_assignments as a').join('core_contexts as c', 'c.id', 'a.context_id')
      .where({ 'c.type': context.type, 'c.instance_id': context.id ?? '' }).whereIn('a.user_id', userIds).select('a.user_id', 'a.role_key');
    for (const r of rows) held.set(r.user_id, (held.get(r.user_id) ?? new Set()).add(r.role_key));
    return held;
  }

  /** A user's role assignments, answered from the same cache as permission checks. */
  async assignmentsOfUser(userId: string): Promise<Assignment[]> {
    return (await this.assignmentsOf(userId)).map(({ id, userId: u, role, context }) => ({ id, userId: u, role, context }));
  }

  // ---- contexts -----------------------------------------------------------------------------

  /** Registers (or moves) a category or course under its parent so assignments above it apply. */
  async setContext(context: ContextRef, parent: ContextRef = SYSTEM, db: Knex = this.db): Promise<void> {
    if (context.type === 'system' || !context.id) throw badRequest('only categories and courses are registered as contexts');
    const parentRow = await this.contextRow(parent, db);
    if (!parentRow) throw badRequest(`unknown parent context ${parent.type}:${parent.id}`);
    const existing = await this.contextRow(context, db);
    if (!existing) {
      const [row] = await db('core_contexts').insert({ type: context.type, instance_id: context.id, parent_id: parentRow.id, path: '' }).returning('id');
      await db('core_contexts').where({ id: row.id }).update({ path: `${parentRow.path}/${row.id}` });
    } else if (Number(existing.parent_id) !== Number(parentRow.id)) {
      if (parsePath(parentRow.path).includes(Number(existing.id))) throw badRequest(`${context.type} ${context.id} cannot be moved beneath itself`);
      const newPath = `${parentRow.path}/${existing.id}`;
      await db('core_contexts').where({ id: existing.id }).update({ parent_id: parentRow.id });
      await db.raw(`update core_contexts set path = ? || substr(path, length(?) + 1) where path = ? or path like ?`,
        [newPath, existing.path, existing.path, `${existing.path}/%`]);
    } else {
      return;
    }
    await this.revisions.bump(REVISION, db);
  }

  async removeContext(context: ContextRef, db: Knex = this.db): Promise<void> {
    const row = await this.contextRow(context, db);
    if (!row) return;
    await db('core_contexts').where('path', 'like', `${row.path}/%`).orWhere({ id: row.id }).delete();
    await this.revisions.bump(REVISION, db);
  }

  private contextRow(context: ContextRef, db: Knex): Promise<{ id: number; parent_id: number | null; path: string } | undefined> {
    return db('core_contexts').where({ type: context.type, instance_id: context.type === 'system' ? '' : context.id ?? '' }).first('id', 'parent_id', 'path');
  }

  // ---- roles and assignments ----------------------------------------------------------------

  async listRoles(db: Knex = this.db): Promise<Role[]> {
    const [roles, perms] = await Promise.all([
      db('core_roles').select('key', 'name', 'description', 'builtin').orderBy('key'),
      this.roles(),
    ]);
    return roles.map((r: Omit<Role, 'permissions'>) => ({ ...r, permissions: [...(perms.get(r.key) ?? [])].sort() }));
  }

  async getRole(key: string, db: Knex = this.db): Promise<Role> {
    const role = (await this.listRoles(db)).find((r) => r.key === key);
    if (!role) throw notFound(`role "${key}" does not exist`);
    return role;
  }

  async createRole(input: { key: string; name: string; description?: string; permissions: string[] }, db: Knex = this.db): Promise<Role> {
    if (!KEY_PATTERN.test(input.key)) throw badRequest('invalid role key', [{ path: 'body.key', message: 'must be lowercase letters, digits and dashes' }]);
    this.assertKnown(input.permissions);
    const inserted = await db('core_roles').insert({ key: input.key, name: input.name, description: input.description ?? '' }).onConflict('key').ignore().returning('key');
    if (!inserted.length) throw conflict(`role "${input.key}" already exists`);
    if (input.permissions.length) await db('core_role_permissions').insert(input.permissions.map((permission) => ({ role_key: input.key, permission })));
    await this.revisions.bump(REVISION, db);
    return { key: input.key, name: input.name, description: input.description ?? '', builtin: false, permissions: [...input.permissions].sort() };
  }

  async updateRole(key: string, input: { name?: string; description?: string; permissions?: string[] }, db: Knex = this.db): Promise<Role> {
    await this.getRole(key, db);
    if (input.permissions) this.assertKnown(input.permissions);
    const fields = Object.fromEntries(Object.entries({ name: input.name, description: input.description }).filter(([, v]) => v !== undefined));
    if (Object.keys(fields).length) await db('core_roles').where({ key }).update(fields);
    if (input.permissions) {
      await db('core_role_permissions').where({ role_key: key }).delete();
      if (input.permissions.length) await db('core_role_permissions').insert(input.permissions.map((permission) => ({ role_key: key, permission })));
    }
    await this.revisions.bump(REVISION, db);
    return this.getRole(key, db);
  }

  async deleteRole(key: string, db: Knex = this.db): Promise<void> {
    const role = await this.getRole(key, db);
    if (await this.defaultRole() === key) throw conflict(`role "${key}" is the default role every account holds (core setting defaultRole); choose another default role first`);
    if (role.builtin) throw conflict(`built-in role "${key}" cannot be deleted`);
    await db('core_roles').where({ key }).delete();
    await this.revisions.bump(REVISION, db);
  }

  async assign(userId: string, role: string, context: ContextRef, db: Knex = this.db): Promise<Assignment> {
    // One round trip: the role and context looked up, the assignment made unless it exists, and its id either way.
    const { rows: [row] } = await db.raw(`
      with r as (select key from core_roles where key = ?),
        c as (select id from core_contexts where type = ? and instance_id = ?),
        made as (insert into core_role_assignments (user_id, role_key, context_id) select ?, r.key, c.id from r, c
          on conflict (user_id, role_key, context_id) do nothing returning id)
      select (select key from r) as role, (select id from c) as context_id, coalesce((select id from made),
        (select a.id from core_role_assignments a, r, c where a.user_id = ? and a.role_key = r.key and a.context_id = c.id)) as id`,
    [role, context.type, context.type === 'system' ? '' : context.id ?? '', userId, userId]).options({ prepare: true }) as { rows: { role: string | null; context_id: number | null; id: number | string }[] };
    if (!row.role) throw badRequest(`unknown role "${role}"`, [{ path: 'body.role', message: 'is not a role' }]);
    if (row.context_id === null) throw badRequest(`unknown context ${context.type}:${context.id ?? ''}`, [{ path: 'body.context', message: 'does not exist' }]);
    await this.revisions.touch(USER_ASSIGNMENTS, [userId], db);
    return { id: String(row.id), userId, role, context: context.type === 'system' ? SYSTEM : { type: context.type, id: context.id } };
  }

  /** Gives many users one role at one context (bulk imports): one insert, one change notice. */
  async assignMany(userIds: string[], role: string, context: ContextRef, db: Knex = this.db): Promise<void> {
    if (!userIds.length) return;
    const [roleRow, contextRow] = await Promise.all([db('core_roles').where({ key: role }).first('key'), this.contextRow(context, db)]);
    if (!roleRow) throw badRequest(`unknown role "${role}"`);
    if (!contextRow) throw badRequest(`unknown context ${context.type}:${context.id ?? ''}`);
    await db('core_role_assignments').insert(userIds.map((user_id) => ({ user_id, role_key: role, context_id: contextRow.id })))
      .onConflict(['user_id', 'role_key', 'context_id']).ignore();
    await this.revisions.touch(USER_ASSIGNMENTS, userIds, db);
  }

  /** Removes one assignment; returns it, or null when there was none. */
  async unassign(id: string, db: Knex = this.db): Promise<Assignment | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const [found] = await this.listAssignments({ id }, db);
    if (!found) return null;
    await db('core_role_assignments').where({ id }).delete();
    await this.revisions.touch(USER_ASSIGNMENTS, [found.userId], db);
    return found;
  }

  async listAssignments(filter: AssignmentFilter, db: Knex = this.db): Promise<Assignment[]> {
    return (await this.queryAssignments(filter, db)).map(({ id, userId, role, context }) => ({ id, userId, role, context }));
  }

  private async queryAssignments(filter: AssignmentFilter, db: Knex): Promise<CachedAssignment[]> {
    const q = db('core_role_assignments as a').join('core_contexts as c', 'c.id', 'a.context_id')
      .select('a.id', 'a.user_id', 'a.role_key', 'a.context_id', 'c.type', 'c.instance_id').orderBy('a.id');
    if (filter.userId) q.where('a.user_id', filter.userId);
    if (filter.id) q.where('a.id', filter.id);
    if (filter.role) q.where('a.role_key', filter.role);
    if (filter.context) q.where({ 'c.type': filter.context.type, 'c.instance_id': filter.context.id ?? '' });
    if (filter.after !== undefined) q.where('a.id', '>', filter.after);
    if (filter.limit !== undefined) q.limit(filter.limit);
    const rows: { id: number; user_id: string; role_key: string; context_id: number; type: ContextType; instance_id: string }[] = await q;
    return rows.map((r) => ({
      id: String(r.id), userId: r.user_id, role: r.role_key,
      context: r.type === 'system' ? SYSTEM : { type: r.type, id: r.instance_id },
      contextId: Number(r.context_id),
    }));
  }

  private assertKnown(permissions: string[]): void {
    const unknown = permissions.filter((p) => !this.registry.has(p));
    if (unknown.length) {
      throw badRequest(`unknown permissions: ${unknown.join(', ')}`,
        unknown.map((p) => ({ path: `body.permissions.${permissions.indexOf(p)}`, message: `"${p}" is not a registered permission` })));
    }
  }
}

const parsePath = (path: string) => path.split('/').filter(Boolean).map(Number);
