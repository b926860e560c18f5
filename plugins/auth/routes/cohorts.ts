// Cohorts: create, rename, delete, and manage members. Membership changes are events, so enrollment
// that follows a cohort (courses) keeps up.
import { conflict, defineRoute, notFound, pageQuery, reply, Type } from 'lectern';
import { authPermissions } from '../permissions';
import { addMembers, cohortQuery, getCohort, toCohort } from '../cohorts';
import { findUser, toUser } from '../users';
import { cohortDeleted, cohortMembersAdded, cohortMembersRemoved } from '../api';

const Id = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });
const Member = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }), userId: Type.String({ pattern: '^[0-9]{1,18}$' }) });
const Name = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }) }, { additionalProperties: false });
const Cursor = Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' }));

export const cohortRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/cohorts', permission: authPermissions.manageUsers, summary: 'Cohorts with member counts',
    query: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), limit: pageQuery.limit, cursor: Cursor }),
    async handler(req) {
      const q = cohortQuery(req.db).orderBy('c.id').limit(req.query.limit + 1);
      if (req.query.cursor) q.where('c.id', '>', req.query.cursor);
      if (req.query.q) q.whereRaw('lower(c.name) like ?', [`%${req.query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
      const rows = await q;
      const page = rows.slice(0, req.query.limit);
      return { items: page.map(toCohort), nextCursor: rows.length > req.query.limit ? String(page[page.length - 1].id) : null };
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/cohorts', permission: authPermissions.manageUsers, body: Name, summary: 'Create a cohort',
    async handler(req) {
      const cohort = await req.transaction(async (tx) => {
        const [row] = await tx.db('auth_cohorts').insert({ name: req.body.name.trim() }).onConflict(tx.db.raw('(lower(name))')).ignore().returning('*');
        if (!row) throw conflictName(req.body.name);
        await tx.audit({ action: 'auth.cohort.create', target: { type: 'cohort', id: String(row.id) }, details: { name: row.name } });
        return toCohort(row);
      });
      return reply.created(cohort);
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/cohorts/:id', permission: authPermissions.manageUsers, params: Id, summary: 'One cohort',
    async handler(req) {
      return getCohort(req.db, req.params.id);
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/cohorts/:id', permission: authPermissions.manageUsers, params: Id, body: Name, summary: 'Rename a cohort',
    async handler(req) {
      return req.transaction(async (tx) => {
        const before = await getCohort(tx.db, req.params.id);
        const clash = await tx.db('auth_cohorts').whereRaw('lower(name) = lower(?)', [req.body.name.trim()]).whereNot({ id: req.params.id }).first('id');
        if (clash) throw conflictName(req.body.name);
        await tx.db('auth_cohorts').where({ id: req.params.id }).update({ name: req.body.name.trim(), updated_at: req.now() });
        await tx.audit({ action: 'auth.cohort.rename', target: { type: 'cohort', id: req.params.id }, details: { from: before.name, to: req.body.name.trim() } });
        return getCohort(tx.db, req.params.id);
      });
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/cohorts/:id', permission: authPermissions.manageUsers, params: Id, summary: 'Delete a cohort (its users stay)',
    async handler(req) {
      await req.transaction(async (tx) => {
        const cohort = await getCohort(tx.db, req.params.id);
        await tx.db('auth_cohorts').where({ id: req.params.id }).delete();
        await tx.audit({ action: 'auth.cohort.delete', target: { type: 'cohort', id: req.params.id }, details: { name: cohort.name, members: cohort.memberCount } });
        tx.emit(cohortDeleted, { cohortId: req.params.id });
      });
      return reply.noContent();
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/cohorts/:id/members', permission: authPermissions.manageUsers, params: Id, summary: 'Members of a cohort',
    query: Type.Object({ limit: pageQuery.limit, cursor: Cursor }),
    async handler(req) {
      await getCohort(req.db, req.params.id);
      const q = req.db('auth_users as u').join('auth_cohort_members as m', 'm.user_id', 'u.id').where('m.cohort_id', req.params.id)
        .select('u.*').orderBy('u.id').limit(req.query.limit + 1);
      if (req.query.cursor) q.where('u.id', '>', req.query.cursor);
      const rows = await q;
      const page = rows.slice(0, req.query.limit);
      return { items: page.map(toUser), nextCursor: rows.length > req.query.limit ? String(page[page.length - 1].id) : null };
    },
  }),

  defineRoute({
    method: 'PUT', path: '/api/v1/cohorts/:id/members/:userId', permission: authPermissions.manageUsers, params: Member, summary: 'Add a member',
    async handler(req) {
      const { id, userId } = req.params;
      await req.transaction(async (tx) => {
        await getCohort(tx.db, id);
        if (!(await findUser(tx.db, userId))) throw notFound(`user ${userId} does not exist`);
        const added = await addMembers(tx.db, id, [userId]);
        if (!added.length) return;
        await tx.audit({ action: 'auth.cohort.addMember', target: { type: 'cohort', id }, details: { userId } });
        tx.emit(cohortMembersAdded, { cohortId: id, userIds: added });
      });
      return reply.noContent();
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/cohorts/:id/members/:userId', permission: authPermissions.manageUsers, params: Member, summary: 'Remove a member',
    async handler(req) {
      const { id, userId } = req.params;
      await req.transaction(async (tx) => {
        await getCohort(tx.db, id);
        const n = await tx.db('auth_cohort_members').where({ cohort_id: id, user_id: userId }).delete();
        if (!n) throw notFound(`user ${userId} is not a member of cohort ${id}`);
        await tx.audit({ action: 'auth.cohort.removeMember', target: { type: 'cohort', id }, details: { userId } });
        tx.emit(cohortMembersRemoved, { cohortId: id, userIds: [userId] });
      });
      return reply.noContent();
    },
  }),
];

const conflictName = (name: string) => conflict(`a cohort named "${name.trim()}" already exists`);
