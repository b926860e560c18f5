// Certificate rows and what the API shows of them. Every read names its columns: the PDF bytes are
// read only by the download route, never by a list.
import type { Knex } from 'lectern';

export const TABLE = 'certificates_certificates';

export interface CertificateRow {
  id: string | number;
  course_id: string;
  user_id: string;
  cycle: number;
  code: string;
  course_title: string;
  learner_name: string | null;
  completed_at: Date;
  issued_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  rendered_at: Date | null;
}

/** Every column but the PDF bytes. */
export const COLUMNS = [
  'id', 'course_id', 'user_id', 'cycle', 'code', 'course_title', 'learner_name', 'completed_at', 'issued_at',
  'revoked_at', 'revoked_by', 'revoke_reason', 'rendered_at',
] as const;

export interface Certificate {
  id: string;
  courseId: string;
  userId: string;
  cycle: number;
  code: string;
  courseTitle: string;
  /** Null once the learner's personal data was erased. */
  learnerName: string | null;
  completedAt: string;
  issuedAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
  /** Whether the PDF is ready to download. */
  rendered: boolean;
  pdfUrl: string;
  verifyUrl: string;
}

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

export const verifyPath = (code: string) => `/certificates/verify/${code}`;
export const pdfPath = (id: string) => `/api/v1/certificates/${id}/pdf`;

export function toCertificate(r: CertificateRow): Certificate {
  const id = String(r.id);
  return {
    id, courseId: r.course_id, userId: r.user_id, cycle: r.cycle, code: r.code, courseTitle: r.course_title,
    learnerName: r.learner_name, completedAt: iso(r.completed_at) as string, issuedAt: iso(r.issued_at) as string,
    revokedAt: iso(r.revoked_at), revokedBy: r.revoked_by, revokeReason: r.revoke_reason, rendered: r.rendered_at !== null,
    pdfUrl: pdfPath(id), verifyUrl: verifyPath(r.code),
  };
}

export async function certificateById(db: Knex, id: string): Promise<CertificateRow | undefined> {
  return db(TABLE).where({ id }).first(COLUMNS);
}

export async function certificateByCode(db: Knex, code: string): Promise<CertificateRow | undefined> {
  return db(TABLE).where({ code }).first(COLUMNS);
}
