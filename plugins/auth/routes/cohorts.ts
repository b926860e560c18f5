// Cohorts: create, rename, delete, and manage members. Membership changes are events, so enrollment
// that follows a cohort (courses) keeps up.
import { containsPattern, defineRoute, reply, Type } from 'lectern';
import { byId } from '../cursors';
import { authPermissions } from '../permissions';
import { cohortQuery, getCohort, toCohort } from '../cohorts';
import { toUser, type UserRow } from '../users';
import { addCohortMember, createCohort, deleteCohort, removeCohortMember, renameCohort } from '../cohort-actions';
import { Cohort, CohortPage, UserPage } from '../schemas';

const Id = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });
const Member = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }), userId: Type.String({ pattern: '^[0-9]{1,18}$' }) });
const Name = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }) }, { additionalProperties: false });

export const cohortRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/cohorts', permission: authPermissions.manageUsers, summary: 'Cohorts with member counts',
    query: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), ...byId.query }), responses: { 200: CohortPage },
    async handler(req) {
      const q = cohortQuery(req.db).orderBy('c.id').limit(req.query.limit + 1);
      if (req.query.cursor) q.where('c.id', '>', req.query.cursor[0]);
      if (req.query.q) q.whereRaw('lower(c.name) like ?', [containsPattern(req.query.q.toLowerCase())]);
      const rows: Parameters<typeof toCohort>[0][] = await q;
      return byId.page(rows, req.query.limit, toCohort, (r) => [Number(r.id)]);
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/cohorts', permission: authPermissions.manageUsers, body: Name, summary: 'Create a cohort',
    responses: { 201: Cohort }, errors: [409],
    async handler(req) {
      return reply.created(await createCohort(req, req.body.name));
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/cohorts/:id', permission: authPermissions.manageUsers, params: Id, summary: 'One cohort', responses: { 200: Cohort },
    async handler(req) {
      return getCohort(req.db, req.params.id);
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/cohorts/:id', permission: authPermissions.manageUsers, params: Id, body: Name, summary: 'Rename a cohort',
    responses: { 200: Cohort }, errors: [409],
    async handler(req) {
      return renameCohort(req, req.params.id, req.body.name);
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/cohorts/:id', permission: authPermissions.manageUsers, params: Id, summary: 'Delete a cohort (its users stay)',
    responses: { 204: null },
    async handler(req) {
      await deleteCohort(req, req.params.id);
      return reply.noContent();
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/cohorts/:id/members', permission: authPermissions.manageUsers, params: Id, summary: 'Members of a cohort',
    query: Type.Object(byId.query), responses: { 200: UserPage },
    async handler(req) {
      await getCohort(req.db, req.params.id);
      const q = req.db('auth_users as u').join('auth_cohort_members as m', 'm.user_id', 'u.id').where('m.cohort_id', req.params.id)
        .select('u.*').orderBy('u.id').limit(req.query.limit + 1);
      if (req.query.cursor) q.where('u.id', '>', req.query.cursor[0]);
      const rows: UserRow[] = await q;
      return byId.page(rows, req.query.limit, toUser, (r) => [r.id]);
    },
  }),

  defineRoute({
    method: 'PUT', path: '/api/v1/cohorts/:id/members/:userId', permission: authPermissions.manageUsers, params: Member, summary: 'Add a member',
    responses: { 204: null },
    async handler(req) {
      await addCohortMember(req, req.params.id, req.params.userId);
      return reply.noContent();
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/cohorts/:id/members/:userId', permission: authPermissions.manageUsers, params: Member, summary: 'Remove a member',
    responses: { 204: null },
    async handler(req) {
      await removeCohortMember(req, req.params.id, req.params.userId);
      return reply.noContent();
    },
  }),
];
