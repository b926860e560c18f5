// The admin list of cohorts (departments, teams) with their member counts, in cursor pages, and the
// form that creates one.
import { defineRoute, reply, Type, type PluginContext, type Principal, type Static, Done, doneNotice, submitForm, type PageData } from 'lectern';
import { authPermissions } from '../permissions';
import { cohortQuery, toCohort } from '../cohorts';
import { createCohort } from '../cohort-actions';
import { requireFields } from './forms';
import { Cursor, PAGE_SIZE, paged } from './paging';
import { queryPage } from './query-page';

const VIEW = 'auth/admin/cohorts';
const TITLE = 'Cohorts';
const CohortsQuery = Type.Object({ cursor: Cursor, done: Done });


async function cohortsPage(ctx: PluginContext, _principal: Principal | null, query: Static<typeof CohortsQuery>): Promise<PageData> {
  const q = cohortQuery(ctx.db).orderBy('c.id').limit(PAGE_SIZE + 1);
  if (query.cursor) q.where('c.id', '>', query.cursor);
  const rows: Parameters<typeof toCohort>[0][] = await q;
  const page = paged(rows, '/admin/cohorts', {}, query.cursor);
  return { cohorts: page.items.map(toCohort), pager: page.pager, notice: doneNotice({ deleted: 'The cohort is deleted.' }, query.done) };
}

export const cohortsListPage = queryPage({
  path: '/admin/cohorts', title: TITLE, permission: authPermissions.manageUsers, view: VIEW, query: CohortsQuery, load: cohortsPage,
});

export const cohortCreateRoutes = [
  defineRoute({
    method: 'POST', path: '/admin/cohorts', permission: authPermissions.manageUsers, html: true, summary: 'Create a cohort (form)',
    body: Type.Object({ name: Type.String({ maxLength: 200 }) }),
    async handler(req) {
      const name = req.body.name.trim();
      const page = {
        view: VIEW, form: 'create', values: { name }, conflictField: 'name',
        load: async () => ({ title: TITLE, ...(await cohortsPage(req, req.principal, {})) }),
      };
      return submitForm(req, page, async () => {
        requireFields(req.body, ['name']);
        const { id } = await createCohort(req, name);
        return reply.redirect(`/admin/cohorts/${id}?done=created`);
      });
    },
  }),
];
