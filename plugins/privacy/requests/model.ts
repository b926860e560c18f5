// A privacy request as stored (privacy_requests) and as the API and pages show it, with its schemas.
// Statuses: pending (asked by the person, waiting for a privacy manager), approved (its job is queued or
// running), ready (an export that can be downloaded until expiresAt), done (an erasure carried out),
// expired (an export whose file is gone), rejected, failed.
import { named, Type, type Static } from 'lectern';

export const REQUESTS = 'privacy_requests';

export const IdString = Type.String({ pattern: '^[0-9]{1,18}$' });
const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const NullableId = Type.Union([IdString, Type.Null()]);

export const REQUEST_TYPES = ['export', 'erase'] as const;
export const REQUEST_STATUSES = ['pending', 'approved', 'ready', 'done', 'expired', 'rejected', 'failed'] as const;
export type RequestType = typeof REQUEST_TYPES[number];
export type RequestStatus = typeof REQUEST_STATUSES[number];

export const RequestTypeSchema = Type.Union(REQUEST_TYPES.map((s) => Type.Literal(s)));
export const RequestStatusSchema = Type.Union(REQUEST_STATUSES.map((s) => Type.Literal(s)));

export const PrivacyRequest = named('PrivacyRequest', Type.Object({
  id: IdString, userId: IdString, type: RequestTypeSchema, status: RequestStatusSchema,
  requestedBy: NullableId, decidedBy: NullableId, reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Time, decidedAt: NullableTime, completedAt: NullableTime, expiresAt: NullableTime,
  fileSize: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]), error: Type.Union([Type.String(), Type.Null()]),
}));
export type PrivacyRequestView = Static<typeof PrivacyRequest>;

export interface RequestRow {
  id: string | number; user_id: string | number; type: RequestType; status: RequestStatus;
  requested_by: string | number | null; decided_by: string | number | null; reason: string | null;
  file_key: string | null; file_size: string | number | null; error: string | null;
  created_at: Date | string; decided_at: Date | string | null; completed_at: Date | string | null; expires_at: Date | string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const idOrNull = (v: string | number | null) => (v === null ? null : String(v));

export function toRequest(r: RequestRow): PrivacyRequestView {
  return {
    id: String(r.id), userId: String(r.user_id), type: r.type, status: r.status,
    requestedBy: idOrNull(r.requested_by), decidedBy: idOrNull(r.decided_by), reason: r.reason,
    createdAt: new Date(r.created_at).toISOString(), decidedAt: iso(r.decided_at), completedAt: iso(r.completed_at), expiresAt: iso(r.expires_at),
    fileSize: r.file_size === null ? null : Number(r.file_size), error: r.error,
  };
}

/** Where an export's bundle is kept in the core storage (under the plugin's name). */
export const bundleKey = (id: string) => `exports/${id}.json`;
