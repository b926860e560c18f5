// The backups page (/admin/backups, maintenance:backup): the backups kept, newest first a page at a time,
// each with its size, SHA-256, contents and state and a download link, and a button that queues a backup
// (the same job as POST /api/v1/system/backups), then comes back with a link to the job's page.
import { defineAdminPage, defineRoute, Done, doneNotice, formatBytes, pagerLinks, reply, Type } from 'lectern';
import { maintenancePermissions } from '../permissions';
import { queueBackup } from '../backup/job';
import { backupPage, newestFirst } from '../routes/backups';
import { JOBS_PATH } from './jobs';

export const BACKUPS_PATH = '/admin/backups';
const PAGE_SIZE = 20;
const NOTICES = { queued: 'The backup is queued: it appears here once its job has finished.' };
const QueuedJob = Type.Optional(Type.String({ pattern: '^[A-Za-z0-9:_-]{1,200}$', description: 'The job of the backup just queued' }));

export const backupsAdminPage = defineAdminPage({
  path: BACKUPS_PATH, title: 'Backups', permission: maintenancePermissions.backup, view: 'maintenance/admin/backups',
  query: Type.Object({ cursor: newestFirst.cursor, done: Done, job: QueuedJob }),
  async load(req) {
    const { cursor, done, job } = req.query;
    const page = await backupPage(req, PAGE_SIZE, cursor);
    const notice = doneNotice(NOTICES, done);
    return {
      title: 'Backups', notice, jobHref: notice && job ? `${JOBS_PATH}/${encodeURIComponent(job)}` : null,
      backups: page.items.map((b) => ({
        ...b, completed: b.state === 'completed', sizeText: b.size === null ? null : formatBytes(b.size),
        downloadHref: `/api/v1/system/backups/${b.id}/download`,
      })),
      pager: pagerLinks(BACKUPS_PATH, {}, page.nextCursor, cursor !== undefined),
    };
  },
});

export const backupPageRoutes = [
  defineRoute({
    method: 'POST', path: BACKUPS_PATH, permission: maintenancePermissions.backup, html: true, body: Type.Object({}),
    summary: 'Make a backup now (form): queues the backup job',
    async handler(req) {
      const job = await queueBackup(req);
      return reply.redirect(`${BACKUPS_PATH}?done=queued&job=${encodeURIComponent(job.id)}`);
    },
  }),
];
