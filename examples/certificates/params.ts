// Input schemas the routes and pages share: a certificate id, a verification code, the list filters.
import { Type } from 'lectern';
import { CODE_PATTERN } from './codes';

export const CertificateParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });
export const CodeParams = Type.Object({ code: Type.String({ pattern: CODE_PATTERN }) });
/** A course or user id as the owning plugin gives it; blank (an empty filter field) means any. */
export const IdFilter = Type.Optional(Type.String({ pattern: '^[0-9]{0,18}$' }));
