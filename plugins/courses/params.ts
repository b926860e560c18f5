// Schemas the routes share: path ids (opaque strings to clients, bigint keys here, so anything that is
// not 1–18 digits is a 400 before a handler runs), titles, positions, course statuses and roles.
import { Type } from 'lectern';

export const IdString = Type.String({ pattern: '^[0-9]{1,18}$' });
export const isId = (value: string) => /^[0-9]{1,18}$/.test(value);

export const CourseParams = Type.Object({ id: IdString });
export const CategoryParams = Type.Object({ id: IdString });
export const SectionParams = Type.Object({ id: IdString, sectionId: IdString });
export const ItemParams = Type.Object({ id: IdString, sectionId: IdString, itemId: IdString });
export const CourseItemParams = Type.Object({ id: IdString, itemId: IdString });
export const EnrollmentParams = Type.Object({ id: IdString, userId: IdString });
export const CohortLinkParams = Type.Object({ id: IdString, cohortId: IdString });

/** The permission context of the course named by `:id`. */
export const inCourse = ({ params }: { params: { id: string } }) => ({ type: 'course' as const, id: params.id });

export const Title = Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' });
export const Position = Type.Integer({ minimum: 0, maximum: 10_000 });
export const CourseStatusSchema = Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('archived')]);
export const RoleSchema = Type.Union([Type.Literal('learner'), Type.Literal('instructor')]);
