// Cohort links of a course: link a cohort (its active members are enrolled by a job, and later members
// follow while the link exists), list the links, and remove one (enrollments made through it stay).
import { badRequest, defineRoute, notFound, pageQuery, reply, Type } from 'lectern';
import { coursePermissions } from '../permissions';
import { CohortLinkParams, CourseParams, IdString, inCourse } from '../params';
import { decodeCursor, page } from '../cursor';
import { getCourse } from '../model/courses';
import { assertEnrollable } from '../model/enrollments';
import { directory } from '../model/users';
import { enrollCohort, unlinkCohort } from '../cohorts';

interface LinkRow { course_id: number; cohort_id: number; due_at: Date | null; created_at: Date }
const toLink = (r: LinkRow) => ({
  courseId: String(r.course_id), cohortId: String(r.cohort_id),
  dueAt: r.due_at === null ? null : new Date(r.due_at).toISOString(), createdAt: new Date(r.created_at).toISOString(),
});

export const cohortRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/enrollments/cohort', permission: coursePermissions.enroll, context: inCourse, params: CourseParams,
    body: Type.Object({ cohortId: IdString, dueAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])) }, { additionalProperties: false }),
    summary: 'Enroll a cohort: its members now (a job) and whoever joins it later',
    async handler(req) {
      const { id } = req.params;
      const { cohortId, dueAt } = req.body;
      if (!(await directory(req).cohort(cohortId))) throw badRequest(`cohort ${cohortId} does not exist`, [{ path: 'body.cohortId', message: 'is not a cohort' }]);
      await req.transaction(async (tx) => {
        assertEnrollable(await getCourse(tx.db, id));
        await tx.db('courses_cohort_links').insert({ course_id: id, cohort_id: cohortId, due_at: dueAt ? new Date(dueAt) : null })
          .onConflict(['course_id', 'cohort_id']).merge(['due_at']);
        await tx.audit({ action: 'courses.cohort.link', target: { type: 'course', id }, details: { cohortId, dueAt: dueAt ?? null } });
      });
      return reply.accepted(await req.enqueue(enrollCohort, { cohortId, courseId: id }));
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/courses/:id/enrollments/cohorts', permission: coursePermissions.enroll, context: inCourse, params: CourseParams,
    query: Type.Object(pageQuery), summary: 'Cohorts linked to a course',
    async handler(req) {
      await getCourse(req.db, req.params.id);
      const q = req.db('courses_cohort_links').where({ course_id: req.params.id }).orderBy('cohort_id').limit(req.query.limit + 1);
      if (req.query.cursor) q.where('cohort_id', '>', decodeCursor(req.query.cursor, 1)[0]);
      return page(await q as LinkRow[], req.query.limit, toLink, (r) => [r.cohort_id]);
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/courses/:id/enrollments/cohorts/:cohortId', permission: coursePermissions.enroll, context: inCourse, params: CohortLinkParams,
    summary: 'Unlink a cohort: later members are no longer enrolled; enrollments made stay',
    async handler(req) {
      const { id, cohortId } = req.params;
      const unlinked = await req.transaction((tx) => unlinkCohort(tx, cohortId, id, 'unlinked'));
      if (!unlinked.length) throw notFound(`cohort ${cohortId} is not linked to course ${id}`);
      return reply.noContent();
    },
  }),
];
