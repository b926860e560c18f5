// The admin certificate list (/admin/certificates, certificates:view-all): every certificate, filtered
// by course or learner, a page at a time; and the revoke form next to each valid certificate for
// holders of certificates:revoke, which posts to an HTML route running the same action as the API.
import { defineAdminPage, defineRoute, Done, doneNotice, filled, pagerLinks, reply, submitForm, Type, type SignedInRequest } from 'lectern';
import { listCertificates, newestFirst } from '../listing';
import { CertificateParams, IdFilter } from '../params';
import { certificatesPermissions } from '../permissions';
import { revokeCertificate } from '../revoke';

const PATH = '/admin/certificates';
const VIEW = 'certificates/admin/certificates';
const PAGE_SIZE = 50;
const NOTICES = { revoked: 'The certificate is revoked: it now verifies as revoked.' };

const AdminQuery = Type.Object({ courseId: IdFilter, userId: IdFilter, cursor: newestFirst.cursor, done: Done });
interface Filters { courseId?: string; userId?: string; cursor?: [number] }

async function certificatesPage(req: SignedInRequest, f: Filters): Promise<Record<string, unknown>> {
  const filters = { courseId: f.courseId || undefined, userId: f.userId || undefined };
  const [list, canRevoke] = await Promise.all([
    listCertificates(req.db, { ...filters, cursor: f.cursor, limit: PAGE_SIZE }),
    req.can(certificatesPermissions.revoke),
  ]);
  return {
    title: 'Certificates', filters, certificates: list.items, canRevoke,
    pager: pagerLinks(PATH, filters, list.nextCursor, f.cursor !== undefined),
  };
}

export const certificatesAdminPage = defineAdminPage({
  path: PATH, title: 'Certificates', permission: certificatesPermissions.viewAll, view: VIEW, query: AdminQuery,
  load: async (req) => ({ ...(await certificatesPage(req, req.query)), notice: doneNotice(NOTICES, req.query.done) }),
});

export const revokeFormRoute = defineRoute({
  method: 'POST', path: `${PATH}/:id/revoke`, permission: certificatesPermissions.revoke, html: true, params: CertificateParams,
  body: Type.Object({ reason: Type.String({ maxLength: 1000 }) }), summary: 'Revoke a certificate (form)',
  async handler(req) {
    const values = { ...req.body, id: req.params.id };
    return submitForm(req, { view: VIEW, form: 'revoke', values, load: () => certificatesPage(req, {}) }, async () => {
      await revokeCertificate(req, req.params.id, filled(req.body.reason, 'reason'));
      return reply.redirect(`${PATH}?done=revoked`);
    });
  },
});
