// GET /api/v1/certificates/verify/:code — public: anyone holding a certificate's code can check it.
import { defineRoute, notFound } from 'lectern';
import { normalizeCode } from '../codes';
import { certificateByCode } from '../model';
import { CodeParams } from '../params';
import { toVerification } from '../verification';
import { Verification } from '../schemas';

export const verifyRoute = defineRoute({
  method: 'GET', path: '/api/v1/certificates/verify/:code', public: true, params: CodeParams,
  summary: 'Verify a certificate by its code: valid or revoked, course, learner name, dates', responses: { 200: Verification },
  async handler(req) {
    const row = await certificateByCode(req.db, normalizeCode(req.params.code));
    if (!row) throw notFound('No certificate has this verification code.');
    return toVerification(row);
  },
});
