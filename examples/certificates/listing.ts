// Lists of certificates, newest first and keyset-paged by id: a learner's own, and every certificate
// (filtered by course or learner) for those who may see them all.
import { keyset, type Knex, type Page } from 'lectern';
import { COLUMNS, TABLE, toCertificate, type Certificate, type CertificateRow } from './model';

/** Newest first: the key is the id of the last certificate shown. */
export const newestFirst = keyset('int');

export interface ListFilters { courseId?: string; userId?: string; cursor?: [number]; limit: number }

export async function listCertificates(db: Knex, f: ListFilters): Promise<Page<Certificate>> {
  const q = db(TABLE).select(COLUMNS).orderBy('id', 'desc').limit(f.limit + 1);
  if (f.courseId) q.where({ course_id: f.courseId });
  if (f.userId) q.where({ user_id: f.userId });
  if (f.cursor) q.where('id', '<', f.cursor[0]);
  const rows: CertificateRow[] = await q;
  return newestFirst.page(rows, f.limit, toCertificate, (r) => [Number(r.id)]);
}
