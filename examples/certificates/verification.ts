// What the public may learn from a verification code: whether the certificate is valid or revoked,
// the course, the learner's name and the dates — nothing else about the person (no id, no email, no
// reason for a revocation).
import type { CertificateRow } from './model';

export interface Verification {
  code: string;
  status: 'valid' | 'revoked';
  valid: boolean;
  courseTitle: string;
  /** Null when the learner's personal data was erased. */
  learnerName: string | null;
  completedAt: string;
  issuedAt: string;
  revokedAt: string | null;
}

export function toVerification(r: CertificateRow): Verification {
  const revoked = r.revoked_at !== null;
  return {
    code: r.code, status: revoked ? 'revoked' : 'valid', valid: !revoked, courseTitle: r.course_title, learnerName: r.learner_name,
    completedAt: new Date(r.completed_at).toISOString(), issuedAt: new Date(r.issued_at).toISOString(),
    revokedAt: revoked ? new Date(r.revoked_at as Date).toISOString() : null,
  };
}
