// The public verification page (/certificates/verify/:code), the URL printed on every certificate: says
// whether the certificate is valid or revoked, and for whom and which course; 404 for an unknown code.
import { defineRoute } from 'lectern';
import { normalizeCode } from '../codes';
import { certificateByCode } from '../model';
import { CodeParams } from '../params';
import { toVerification } from '../verification';

export const verifyPage = defineRoute({
  method: 'GET', path: '/certificates/verify/:code', public: true, html: true, params: CodeParams,
  summary: 'Verify a certificate (page)',
  async handler(req) {
    const row = await certificateByCode(req.db, normalizeCode(req.params.code));
    const data = { title: 'Verify a certificate', code: req.params.code, verification: row ? toVerification(row) : null };
    return req.page('certificates/verify', data, row ? 200 : 404);
  },
});
