// The admin list of cohorts (departments, teams) with their member counts, in cursor pages, and the
// form that creates one.
import { defineAdminPage, defineRoute, pagerLinks, reply, Type, type PluginContext, type Static, Done, doneNotice, submitForm, type PageData, requireFields } from 'lectern';
import { authPermissions } from '../permissions';
import { cohortQuery, toCohort } from '../cohorts';
import { createCohort } from '../cohort-actions';
import { byId, PAGE_SIZE } from '../cursors';

const VIEW = 'auth/admin/cohorts';
const TITLE = 'Cohorts';
const CohortsQuery = Type.Object({ cursor: byId.cursor, done: Done });

async function cohortsPage(ctx: PluginContext, query: Static<typeof CohortsQuery>): Promise<PageData> {
  const q = cohortQuery(ctx.db).orderBy('c.id').limit(PAGE_SIZE + 1);
  if (query.cursor) q.where('c.id', '>', query.cursor[0]);
  const rows: Parameters<typeof toCohort>[0][] = await q;
  const page = byId.page(rows, PAGE_SIZE, toCohort, (r) => [Number(r.id)]);
  return { cohorts: page.items, pager: pagerLinks('/admin/cohorts', {}, page.nextCursor, query.cursor !== undefined), notice: doneNotice({ deleted: 'The cohort is deleted.' }, query.done) };
}

export const cohortsListPage = defineAdminPage({
  path: '/admin/cohorts', title: TITLE, permission: authPermissions.manageUsers, view: VIEW, query: CohortsQuery,
  load: (req) => cohortsPage(req, req.query),
});

export const cohortCreateRoutes = [
  defineRoute({
    method: 'POST', path: '/admin/cohorts', permission: authPermissions.manageUsers, html: true, summary: 'Create a cohort (form)',
    body: Type.Object({ name: Type.String({ maxLength: 200 }) }),
    async handler(req) {
      const name = req.body.name.trim();
      const page = {
        view: VIEW, form: 'create', values: { name }, conflictField: 'name',
        load: async () => ({ title: TITLE, ...(await cohortsPage(req, {})) }),
      };
      return submitForm(req, page, async () => {
        requireFields(req.body, ['name']);
        const { id } = await createCohort(req, name);
        return reply.redirect(`/admin/cohorts/${id}?done=created`);
      });
    },
  }),
];
