// The audit log viewer (/admin/audit, audit:view): the audit trail newest first, a page at a time,
// filtered by actor, action (a prefix such as `maintenance.`), target and dates, with the filtered
// records as a CSV download (GET /api/v1/audit?format=csv) and a link to the maintenance log — the
// record of system changes and maintenance activities.
import { badRequest, CoreServices, corePermissions, defineAdminPage, keyset, pagerLinks, Type } from 'lectern';

const PATH = '/admin/audit';
const PAGE_SIZE = 50;
/** Maintenance mode, backups and housekeeping; plugins enabled and disabled; settings; jobs retried and removed. */
const MAINTENANCE_ACTIONS = 'maintenance.,plugins.,settings.,jobs.';
const newestFirst = keyset('int');
const text = Type.Optional(Type.String({ maxLength: 200 }));
const day = Type.Optional(Type.String({ pattern: '^([0-9]{4}-[0-9]{2}-[0-9]{2})?$', description: 'YYYY-MM-DD (UTC)' }));

/** Midnight UTC of a YYYY-MM-DD day, `plusDays` later; undefined when blank. */
function dayStart(value: string | undefined, field: string, plusDays = 0): string | undefined {
  if (!value) return undefined;
  const at = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(at.getTime())) throw badRequest('Give dates as YYYY-MM-DD, e.g. 2030-01-31.', [{ path: `query.${field}`, message: 'must be a date' }]);
  return new Date(at.getTime() + plusDays * 86_400_000).toISOString();
}

export const auditAdminPage = defineAdminPage({
  path: PATH, title: 'Audit log', permission: corePermissions.viewAudit, view: 'maintenance/admin/audit',
  query: Type.Object({ actorId: text, action: text, targetType: text, targetId: text, since: day, until: day, cursor: newestFirst.cursor }),
  async load(req) {
    const { cursor, ...filters } = req.query;
    const blankless = Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, v?.trim() || undefined])) as typeof filters;
    const selection = {
      actorId: blankless.actorId, action: blankless.action, targetType: blankless.targetType, targetId: blankless.targetId,
      since: dayStart(blankless.since, 'since'), until: dayStart(blankless.until, 'until', 1),
    };
    const page = await req.resolve(CoreServices.audit).list({ ...selection, limit: PAGE_SIZE, cursor });
    const csv = new URLSearchParams(Object.entries({ ...selection, format: 'csv' }).filter((e): e is [string, string] => Boolean(e[1])));
    return {
      title: 'Audit log', filters: blankless, maintenanceLog: blankless.action === MAINTENANCE_ACTIONS,
      maintenanceHref: `${PATH}?action=${encodeURIComponent(MAINTENANCE_ACTIONS)}`,
      records: page.items.map((r) => ({ ...r, details: Object.keys(r.details).length ? JSON.stringify(r.details) : '' })),
      csvHref: `/api/v1/audit?${csv.toString()}`,
      pager: pagerLinks(PATH, blankless, page.nextCursor, cursor !== undefined),
    };
  },
});
