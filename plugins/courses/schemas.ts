// What the courses plugin's JSON routes answer: courses, categories, sections and items, enrollments
// with their standing, and progress. The routes declare these as their responses, so they are the
// OpenAPI document's shapes and, in tests, checked against every real answer.
import { named, pageOf, Type } from 'lectern';
import { CourseStatusSchema, IdString, RoleSchema } from './params';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const NullableId = Type.Union([IdString, Type.Null()]);
const Score = Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()]);

export const Course = named('Course', Type.Object({
  id: IdString, code: Type.String(), title: Type.String(), summary: Type.String(), categoryId: NullableId,
  status: CourseStatusSchema, isTemplate: Type.Boolean(), templateId: NullableId, selfEnrollment: Type.Boolean(),
  hasEnrollmentKey: Type.Boolean({ description: 'Whether self-enrollment needs a key (the key itself is never shown)' }),
  recertifyAfterDays: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  createdAt: Time, updatedAt: Time, publishedAt: NullableTime, archivedAt: NullableTime,
}));
export const CoursePage = pageOf(Course);

export const Category = named('Category', Type.Object({ id: IdString, name: Type.String(), parentId: NullableId, createdAt: Time, updatedAt: Time }));
export const CategoryPage = pageOf(Category);

export const Item = named('Item', Type.Object({
  id: IdString, courseId: IdString, sectionId: IdString, contentId: Type.String(), title: Type.String(), required: Type.Boolean(),
  position: Type.Integer({ minimum: 0 }),
}));

export const Section = named('Section', Type.Object({
  id: IdString, courseId: IdString, title: Type.String(), position: Type.Integer({ minimum: 0 }), items: Type.Array(Item),
}));
export const SectionPage = pageOf(Section);

/** An enrollment with its standing in the current cycle; instructors have neither state nor progress. */
const standing = {
  courseId: IdString, userId: IdString, role: RoleSchema,
  source: Type.Union(['manual', 'import', 'cohort', 'self', 'recertification'].map((s) => Type.Literal(s))),
  cohortId: NullableId, cycle: Type.Integer({ minimum: 1 }),
  enrolledAt: Time, dueAt: NullableTime, completedAt: NullableTime,
  state: Type.Union([...['not-started', 'in-progress', 'completed', 'overdue', 'expired'].map((s) => Type.Literal(s)), Type.Null()]),
  progress: Type.Union([Type.Object({
    requiredTotal: Type.Integer({ minimum: 0 }), requiredDone: Type.Integer({ minimum: 0 }), itemsDone: Type.Integer({ minimum: 0 }),
    percent: Type.Integer({ minimum: 0, maximum: 100 }),
  }), Type.Null()]),
};

export const Enrollment = named('Enrollment', Type.Object(standing));

/** An enrollment in a course's roster: with the person's name and email (null when the account is gone). */
export const RosterPage = pageOf(named('RosterEntry', Type.Object({
  ...standing, name: Type.Union([Type.String(), Type.Null()]), email: Type.Union([Type.String(), Type.Null()]),
})));

const myCourse = { ...standing, course: Course };
export const MyCoursePage = pageOf(named('MyCourse', Type.Object(myCourse)));

export const MyCourseDetail = Type.Object({
  ...myCourse,
  completedItems: Type.Array(Type.Object({ itemId: IdString, completedAt: Time, score: Score }), { description: 'Items completed in the current cycle' }),
  completions: Type.Array(Type.Object({ cycle: Type.Integer({ minimum: 1 }), completedAt: Time, expiresAt: NullableTime, expiredAt: NullableTime }), {
    description: 'Every completion of the course, expired ones included',
  }),
});

export const ItemCompletion = Type.Object({
  courseId: IdString, itemId: IdString, cycle: Type.Integer({ minimum: 1 }), completedAt: Time, score: Score,
  courseCompletedAt: Type.Union([Time, Type.Null()], { description: 'When the course was completed in this cycle, if it is' }),
});

export const CohortLinkPage = pageOf(named('CohortLink', Type.Object({ courseId: IdString, cohortId: IdString, dueAt: NullableTime, createdAt: Time })));
