// The certificate lists of the JSON API: the caller's own (no permission needed) and every certificate
// for holders of certificates:view-all, filtered by course or learner. Both newest first, keyset-paged.
import { defineRoute, Type } from 'lectern';
import { listCertificates, newestFirst } from '../listing';
import { IdFilter } from '../params';
import { certificatesPermissions } from '../permissions';
import { CertificatePage } from '../schemas';

export const myCertificatesRoute = defineRoute({
  method: 'GET', path: '/api/v1/me/certificates', authenticated: true, query: Type.Object(newestFirst.query),
  summary: 'My certificates, newest first', responses: { 200: CertificatePage },
  handler: (req) => listCertificates(req.db, { ...req.query, userId: req.principal.id }),
});

export const allCertificatesRoute = defineRoute({
  method: 'GET', path: '/api/v1/certificates', permission: certificatesPermissions.viewAll,
  query: Type.Object({ courseId: IdFilter, userId: IdFilter, ...newestFirst.query }),
  summary: 'Every certificate, newest first, optionally of one course or one learner', responses: { 200: CertificatePage },
  handler: (req) => listCertificates(req.db, { ...req.query, courseId: req.query.courseId || undefined, userId: req.query.userId || undefined }),
});
