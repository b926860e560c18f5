// POST /api/v1/certificates/:id/revoke { reason } — for holders of certificates:revoke; audited, and
// a second revocation is a 409.
import { defineRoute, Type } from 'lectern';
import { CertificateParams } from '../params';
import { certificatesPermissions } from '../permissions';
import { revokeCertificate } from '../revoke';
import { Certificate } from '../schemas';

export const revokeRoute = defineRoute({
  method: 'POST', path: '/api/v1/certificates/:id/revoke', permission: certificatesPermissions.revoke, params: CertificateParams,
  body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000, pattern: '\\S' }) }, { additionalProperties: false }),
  summary: 'Revoke a certificate (it then verifies as revoked)', responses: { 200: Certificate }, errors: [409],
  handler: (req) => revokeCertificate(req, req.params.id, req.body.reason.trim()),
});
