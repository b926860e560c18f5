// The backups API (API.md "Health, system, jobs"), for holders of maintenance:backup: start a backup
// (a job, 202), list the backups newest first, download one (streamed). Restoring is the command line's
// `lectern restore`, never an HTTP call: it replaces the database under the running system.
import fs from 'node:fs';
import path from 'node:path';
import { defineRoute, JobAccepted, keyset, notFound, reply, Reply, Type, type RouteRequest } from 'lectern';
import { maintenancePermissions } from '../permissions';
import { BackupId, BackupPage } from '../schemas';
import { queueBackup } from '../backup/job';
import { BACKUPS, type BackupRow } from '../backup/make';

export const newestFirst = keyset('int');

/** A row of maintenance_backups as the API and the backups page show it. */
export const toBackup = (r: BackupRow) => ({
  id: String(r.id), fileName: r.file_name, size: r.size === null ? null : Number(r.size), sha256: r.sha256,
  createdAt: new Date(r.created_at).toISOString(), state: r.state,
  rows: Object.values(r.rows).reduce((sum, n) => sum + n, 0), tables: Object.keys(r.rows).length, files: r.files, error: r.error,
});

/** A page of backups, newest first, after `cursor`. */
export async function backupPage(req: RouteRequest, limit: number, cursor: [number] | undefined) {
  const q = req.db(BACKUPS).orderBy('id', 'desc').limit(limit + 1);
  if (cursor) q.where('id', '<', cursor[0]);
  return newestFirst.page(await q as BackupRow[], limit, toBackup, (r) => [Number(r.id)]);
}

export const backupRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/system/backups', permission: maintenancePermissions.backup,
    summary: 'Make a backup of the database and the stored files (a job)', responses: { 202: JobAccepted },
    handler: async (req) => reply.accepted(await queueBackup(req)),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/system/backups', permission: maintenancePermissions.backup,
    summary: 'The backups kept, newest first', query: Type.Object({ ...newestFirst.query }), responses: { 200: BackupPage },
    async handler(req) {
      return backupPage(req, req.query.limit, req.query.cursor);
    },
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/system/backups/:id/download', permission: maintenancePermissions.backup, params: BackupId,
    summary: 'Download a backup file', responses: { 200: { media: 'application/gzip' } },
    async handler(req) {
      const row: BackupRow | undefined = await req.db(BACKUPS).where({ id: req.params.id, state: 'completed' }).first();
      if (!row) throw notFound(`backup ${req.params.id} does not exist`);
      const handle = await fs.promises.open(path.join(row.directory, row.file_name), 'r').catch(() => null);
      if (!handle) throw notFound(`the file of backup ${req.params.id} is no longer in ${row.directory}`);
      const { size } = await handle.stat();
      return new Reply(200, handle.createReadStream(), {
        'Content-Type': 'application/gzip',
        'Content-Disposition': `attachment; filename="${row.file_name}"`,
        'Content-Length': String(size),
        'Cache-Control': 'private, no-store',
        ETag: `"${row.sha256}"`,
      });
    },
  }),
];
