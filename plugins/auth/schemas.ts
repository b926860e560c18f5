// What the auth plugin's JSON routes answer: accounts, sessions, tokens, cohorts, roles and role
// assignments. The routes declare these as their responses, so they are the OpenAPI document's shapes
// and, in tests, checked against every real answer.
import { named, pageOf, Type } from 'lectern';

const Id = Type.String({ pattern: '^[0-9]{1,18}$' });
const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const UserStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('deactivated')]);

export const User = named('User', Type.Object({
  id: Id, email: Type.String(), name: Type.String(), status: UserStatusSchema,
  createdAt: Time, updatedAt: Time, lastLoginAt: NullableTime, deactivatedAt: NullableTime,
}));
export const UserPage = pageOf(User);

export const SignedIn = Type.Object({
  user: User,
  csrfToken: Type.String({ description: 'Send it as X-CSRF-Token (or a `_csrf` form field) with every POST, PUT, PATCH and DELETE of this session' }),
  expiresAt: Time,
});

export const TokenInfo = named('Token', Type.Object({ id: Id, name: Type.String(), createdAt: Time, expiresAt: Time, lastUsedAt: NullableTime }));
export const TokenPage = pageOf(TokenInfo);
export const CreatedToken = Type.Object({
  token: Type.String({ description: 'The bearer token: shown this once, stored only as a hash' }), expiresAt: Time, id: Id, name: Type.String(),
});

export const ResetRequested = Type.Object({ status: Type.Literal('accepted') }, { description: 'Accepted, whether or not the account exists' });

/** Where a role applies: given when assigning one, and shown in assignments. */
export const ContextSchema = Type.Object({
  type: Type.Union([Type.Literal('system'), Type.Literal('category'), Type.Literal('course')]),
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
}, { additionalProperties: false });

export const Me = Type.Object({
  id: Type.String(), email: Type.String(), name: Type.String(), status: UserStatusSchema,
  roles: Type.Array(Type.Object({ role: Type.String(), context: ContextSchema })),
  permissions: Type.Array(Type.String(), { description: 'The permissions the caller holds at the system context' }),
});

const Session = named('Session', Type.Object({
  id: Id, createdAt: Time, lastSeenAt: Time, expiresAt: Time, ip: NullableString, userAgent: NullableString,
  current: Type.Boolean({ description: 'Whether this is the session of the request' }),
}));
export const SessionPage = pageOf(Session);

export const Cohort = named('Cohort', Type.Object({ id: Id, name: Type.String(), memberCount: Type.Integer({ minimum: 0 }), createdAt: Time, updatedAt: Time }));
export const CohortPage = pageOf(Cohort);

const Permission = named('Permission', Type.Object({
  name: Type.String(), plugin: Type.String(), context: ContextSchema.properties.type, risks: Type.Array(Type.String()), description: Type.String(),
}));
export const PermissionPage = pageOf(Permission);

export const Role = named('Role', Type.Object({
  key: Type.String(), name: Type.String(), description: Type.String(), builtin: Type.Boolean(), permissions: Type.Array(Type.String()),
}));
export const RolePage = pageOf(Role);

export const RoleAssignment = named('RoleAssignment', Type.Object({ id: Id, userId: Type.String(), role: Type.String(), context: ContextSchema }));
export const RoleAssignmentPage = pageOf(RoleAssignment);
