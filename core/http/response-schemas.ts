// Schemas of the answers the core shapes for every plugin — a list page, the 202 job answer, a failure
// — and `named`, which gives a schema a name so the OpenAPI document lists it once, under components.
import { Type, type TSchema } from '@sinclair/typebox';
import { JOB_STATES } from '../jobs/queue';

/** The keyword carrying a schema's component name; validators ignore it, openapi.ts turns it into a `$ref`. */
export const COMPONENT_KEYWORD = 'x-lectern-component';

/** `schema`, named `name` in the OpenAPI document (e.g. `named('Course', Type.Object(...))`). */
export const named = <T extends TSchema>(name: string, schema: T): T => ({ ...schema, [COMPONENT_KEYWORD]: name });

/** A list page (API.md conventions): `{ items, nextCursor }`. */
export const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** Every failure's body (errors.ts), as `application/problem+json`. */
export const ProblemSchema = named('Problem', Type.Object({
  type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), { description: 'Every bad field, for invalid input' })),
}));

export const JobStateSchema = Type.Union(JOB_STATES.map((s) => Type.Literal(s)));

/** `reply.accepted(job)`: 202 with `Location: /api/v1/jobs/<id>`. */
export const JobAccepted = named('JobAccepted', Type.Object({ job: Type.Object({ id: Type.String(), state: JobStateSchema }) }));
