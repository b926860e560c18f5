// Revoking a certificate, shared by the JSON API and the admin form: once, with a reason, audited.
// The certificate stays (it verifies as revoked); revoking it again is a 409.
import { conflict, notFound, type SignedInRequest } from 'lectern';
import { certificateById, COLUMNS, TABLE, toCertificate, type Certificate, type CertificateRow } from './model';

export async function revokeCertificate(req: SignedInRequest, id: string, reason: string): Promise<Certificate> {
  return req.transaction(async (tx) => {
    const [row]: CertificateRow[] = await tx.db(TABLE).where({ id }).whereNull('revoked_at')
      .update({ revoked_at: req.now(), revoked_by: req.principal.id, revoke_reason: reason }).returning([...COLUMNS]);
    if (!row) {
      const existing = await certificateById(tx.db, id);
      if (!existing) throw notFound(`certificate ${id} does not exist`);
      throw conflict(`certificate ${id} was already revoked on ${new Date(existing.revoked_at as Date).toISOString()}`);
    }
    await tx.audit({
      action: 'certificates.revoke', target: { type: 'certificate', id },
      details: { reason, courseId: row.course_id, userId: row.user_id, cycle: row.cycle },
    });
    return toCertificate(row);
  });
}
