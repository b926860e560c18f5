// What the certificates routes answer: a certificate, and what a verification code reveals. The routes
// declare these as their responses, so they are the OpenAPI document's shapes and, in tests, checked
// against every real answer.
import { named, pageOf, Type } from 'lectern';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const LearnerName = Type.Union([Type.String(), Type.Null()], { description: "Null once the learner's personal data was erased" });

export const Certificate = named('Certificate', Type.Object({
  id: Type.String(), courseId: Type.String(), userId: Type.String(), cycle: Type.Integer({ minimum: 1 }), code: Type.String(),
  courseTitle: Type.String(), learnerName: LearnerName, completedAt: Time, issuedAt: Time,
  revokedAt: NullableTime, revokedBy: NullableString, revokeReason: NullableString,
  rendered: Type.Boolean({ description: 'Whether the PDF is ready to download' }), pdfUrl: Type.String(), verifyUrl: Type.String(),
}));
export const CertificatePage = pageOf(Certificate);

export const Verification = named('Verification', Type.Object({
  code: Type.String(), status: Type.Union([Type.Literal('valid'), Type.Literal('revoked')]), valid: Type.Boolean(),
  courseTitle: Type.String(), learnerName: LearnerName, completedAt: Time, issuedAt: Time, revokedAt: NullableTime,
}));
