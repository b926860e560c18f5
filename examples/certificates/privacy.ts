// The learner's certificates under the privacy API. Export gives every certificate (never the PDF
// bytes: the same facts are in the rows). Erasure keeps each certificate, because it is evidence that
// a qualification was awarded on a date and a verifier holding the paper must still get an answer
// (valid or revoked) — but removes the person from it: the name snapshot and the PDF (which prints
// the name) are deleted, and a revocation they made no longer names them. The user id stays, as in
// the auth plugin, which keeps the erased account's row.
import type { PluginContext, PrivacyProvider } from 'lectern';
import { COLUMNS, TABLE, toCertificate, type CertificateRow } from './model';

async function exportCertificates(userId: string, ctx: PluginContext): Promise<Record<string, unknown>> {
  const rows: CertificateRow[] = await ctx.db(TABLE).where({ user_id: userId }).orderBy('id').select(COLUMNS);
  return { certificates: rows.map(toCertificate) };
}

async function eraseCertificates(userId: string, ctx: PluginContext): Promise<void> {
  await ctx.transaction(async (tx) => {
    const erased: { id: string | number }[] = await tx.db(TABLE).where({ user_id: userId })
      .update({ learner_name: null, pdf: null, rendered_at: null }).returning('id');
    await tx.db(TABLE).where({ revoked_by: userId }).update({ revoked_by: null });
    if (erased.length) {
      await tx.audit({ action: 'certificates.erase', target: { type: 'user', id: userId }, details: { certificates: erased.length } });
    }
  });
}

export const certificatesPrivacy: PrivacyProvider = {
  tables: [TABLE],
  export: exportCertificates,
  erase: eraseCertificates,
};
