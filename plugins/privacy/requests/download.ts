// Serving an export bundle: 409 while the request is not ready, 410 once it has expired (the file is
// deleted then, if the hourly sweep has not done it yet), otherwise the JSON as an attachment, never cached.
import { conflict, CoreServices, HttpError, Reply, type SignedInRequest } from 'lectern';
import { expireExport } from './jobs';
import type { RequestRow } from './model';

const gone = () => new HttpError(410, 'gone', 'Gone', 'This export has expired; ask for a new one.');

export async function downloadBundle(req: SignedInRequest, row: RequestRow): Promise<Reply> {
  if (row.type !== 'export') throw conflict('Only an export has a file to download.');
  if (row.status === 'expired') throw gone();
  if (row.status !== 'ready' || !row.file_key) throw conflict(`The export is ${row.status}, not ready.`);
  if (row.expires_at && new Date(row.expires_at) <= req.now()) {
    await expireExport(req, row);
    throw gone();
  }
  const stream = await req.resolve(CoreServices.storage).get(row.file_key);
  if (!stream) throw gone();
  return new Reply(200, stream, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Disposition': `attachment; filename="privacy-export-${row.id}.json"`,
    'Cache-Control': 'no-store',
    ...(row.file_size === null ? {} : { 'Content-Length': String(row.file_size) }),
  });
}
