// One cohort, for administrators: rename or delete it, page through its members, add a member by email
// and remove one. Membership changes emit the same events as the JSON API, so enrollment keeps up.
import { badRequest, defineRoute, pagerLinks, reply, Type, type PluginContext, Done, doneNotice, submitForm, type PageData, requireFields } from 'lectern';
import { authPermissions } from '../permissions';
import { getCohort } from '../cohorts';
import { findByEmail, toUser } from '../users';
import { addCohortMember, deleteCohort, removeCohortMember, renameCohort } from '../cohort-actions';
import { byId, PAGE_SIZE } from '../cursors';

const VIEW = 'auth/admin/cohort';
const Digits = Type.String({ pattern: '^[0-9]{1,18}$' });
const CohortId = Type.Object({ id: Digits });

const NOTICES = {
  created: 'The cohort is created. Add its members below.',
  renamed: 'The cohort is renamed.',
  'member-added': 'The member is added.',
  'already-member': 'That account is already a member.',
  'member-removed': 'The member is removed.',
};

async function cohortPage(ctx: PluginContext, id: string, cursor?: [number], extra: PageData = {}): Promise<PageData> {
  const cohort = await getCohort(ctx.db, id);
  const q = ctx.db('auth_users as u').join('auth_cohort_members as m', 'm.user_id', 'u.id').where('m.cohort_id', id)
    .select('u.*').orderBy('u.id').limit(PAGE_SIZE + 1);
  if (cursor) q.where('u.id', '>', cursor[0]);
  const page = byId.page(await q, PAGE_SIZE, toUser, (r) => [r.id]);
  return {
    title: `Cohort: ${cohort.name}`, cohort, members: page.items, pager: pagerLinks(`/admin/cohorts/${id}`, {}, page.nextCursor, cursor !== undefined),
    forms: { rename: { values: { name: cohort.name } } }, ...extra,
  };
}

const formOf = (ctx: PluginContext, id: string, form: string, values: Record<string, unknown>) =>
  ({ view: VIEW, form, values, load: () => cohortPage(ctx, id) });

export const cohortRoutes = [
  defineRoute({
    method: 'GET', path: '/admin/cohorts/:id', permission: authPermissions.manageUsers, html: true, params: CohortId,
    query: Type.Object({ cursor: byId.cursor, done: Done }), summary: 'One cohort and its members (admin page)',
    async handler(req) {
      return req.page(VIEW, await cohortPage(req, req.params.id, req.query.cursor, { notice: doneNotice(NOTICES, req.query.done) }));
    },
  }),

  defineRoute({
    method: 'POST', path: '/admin/cohorts/:id', permission: authPermissions.manageUsers, html: true, params: CohortId,
    body: Type.Object({ name: Type.String({ maxLength: 200 }) }), summary: 'Rename a cohort (form)',
    async handler(req) {
      const { id } = req.params;
      const name = req.body.name.trim();
      return submitForm(req, { ...formOf(req, id, 'rename', { name }), conflictField: 'name' }, async () => {
        requireFields(req.body, ['name']);
        await renameCohort(req, id, name);
        return reply.redirect(`/admin/cohorts/${id}?done=renamed`);
      });
    },
  }),

  defineRoute({
    method: 'POST', path: '/admin/cohorts/:id/delete', permission: authPermissions.manageUsers, html: true, params: CohortId,
    summary: 'Delete a cohort; its members keep their accounts (form)',
    async handler(req) {
      const { id } = req.params;
      await deleteCohort(req, id);
      return reply.redirect('/admin/cohorts?done=deleted');
    },
  }),

  defineRoute({
    method: 'POST', path: '/admin/cohorts/:id/members', permission: authPermissions.manageUsers, html: true, params: CohortId,
    body: Type.Object({ email: Type.String({ maxLength: 320 }) }), summary: 'Add a member by email (form)',
    async handler(req) {
      const { id } = req.params;
      const email = req.body.email.trim();
      return submitForm(req, formOf(req, id, 'member', { email }), async () => {
        requireFields(req.body, ['email']);
        const user = await findByEmail(req.db, email);
        if (!user) throw badRequest(`No account has the email ${email}.`, [{ path: 'body.email', message: 'belongs to no account' }]);
        const userId = String(user.id);
        const added = await addCohortMember(req, id, userId);
        return reply.redirect(`/admin/cohorts/${id}?done=${added ? 'member-added' : 'already-member'}`);
      });
    },
  }),

  defineRoute({
    method: 'POST', path: '/admin/cohorts/:id/members/:userId/remove', permission: authPermissions.manageUsers, html: true,
    params: Type.Object({ id: Digits, userId: Digits }), summary: 'Remove a member (form)',
    async handler(req) {
      const { id, userId } = req.params;
      await removeCohortMember(req, id, userId);
      return reply.redirect(`/admin/cohorts/${id}?done=member-removed`);
    },
  }),
];
