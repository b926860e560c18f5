// GET /api/v1/certificates/:id/pdf — the PDF, for its learner and holders of certificates:view-all;
// anyone else gets 404, as if it did not exist. Rendering runs in a job just after issue: until it
// has, the answer is 409 `certificate-not-rendered` with Retry-After (the request is fine, the
// certificate is not ready), and 410 once the learner's data was erased.
import { defineRoute, HttpError, notFound, Reply, type SignedInRequest } from 'lectern';
import { COLUMNS, TABLE, type CertificateRow } from '../model';
import { CertificateParams } from '../params';
import { certificatesPermissions } from '../permissions';

const RETRY_AFTER_SECONDS = 5;

type WithPdf = CertificateRow & { pdf: Uint8Array | null };

async function visibleCertificate(req: SignedInRequest, id: string): Promise<WithPdf> {
  const row: WithPdf | undefined = await req.db(TABLE).where({ id }).first([...COLUMNS, 'pdf']);
  if (!row || (row.user_id !== req.principal.id && !(await req.can(certificatesPermissions.viewAll)))) {
    throw notFound(`certificate ${id} does not exist`);
  }
  return row;
}

export const pdfRoute = defineRoute({
  method: 'GET', path: '/api/v1/certificates/:id/pdf', authenticated: true, params: CertificateParams,
  summary: 'Download a certificate as PDF (409 with Retry-After until it is rendered)',
  responses: { 200: { media: 'application/pdf' } }, errors: [409, 410],
  async handler(req) {
    const row = await visibleCertificate(req, req.params.id);
    if (row.learner_name === null) throw new HttpError(410, 'certificate-erased', 'Erased', 'The learner\'s personal data was erased; the PDF is gone.');
    if (!row.pdf) {
      throw new HttpError(409, 'certificate-not-rendered', 'Not rendered yet', 'The PDF is being rendered; try again in a few seconds.',
        undefined, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    }
    return new Reply(200, Buffer.from(row.pdf), {
      'Content-Disposition': `attachment; filename="certificate-${row.code}.pdf"`, 'Cache-Control': 'private, no-store',
    }, 'application/pdf');
  },
});
