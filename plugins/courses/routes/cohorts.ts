// Cohort links of a course: link a cohort (its active members are enrolled by a job, and later members
// follow while the link exists), list the links, and remove one (enrollments made through it stay).
import { defineRoute, JobAccepted, reply, Type } from 'lectern';
import { coursePermissions } from '../permissions';
import { CohortLinkParams, CourseParams, IdString, inCourse } from '../params';
import { byId } from '../cursors';
import { getCourse } from '../model/courses';
import { linkCohort, unlinkCourseCohort } from '../actions/enrollments';
import { CohortLinkPage } from '../schemas';

interface LinkRow { course_id: number; cohort_id: number; due_at: Date | null; created_at: Date }
const toLink = (r: LinkRow) => ({
  courseId: String(r.course_id), cohortId: String(r.cohort_id),
  dueAt: r.due_at === null ? null : new Date(r.due_at).toISOString(), createdAt: new Date(r.created_at).toISOString(),
});

export const cohortRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/enrollments/cohort', permission: coursePermissions.enroll, context: inCourse, params: CourseParams,
    body: Type.Object({ cohortId: IdString, dueAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])) }, { additionalProperties: false }),
    summary: 'Enroll a cohort: its members now (a job) and whoever joins it later', responses: { 202: JobAccepted }, errors: [409],
    async handler(req) {
      return reply.accepted(await linkCohort(req, req.params.id, req.body.cohortId, req.body.dueAt ?? null));
    },
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/courses/:id/enrollments/cohorts', permission: coursePermissions.enroll, context: inCourse, params: CourseParams,
    query: Type.Object(byId.query), summary: 'Cohorts linked to a course', responses: { 200: CohortLinkPage },
    async handler(req) {
      await getCourse(req.db, req.params.id);
      const q = req.db('courses_cohort_links').where({ course_id: req.params.id }).orderBy('cohort_id').limit(req.query.limit + 1);
      if (req.query.cursor) q.where('cohort_id', '>', req.query.cursor[0]);
      return byId.page(await q as LinkRow[], req.query.limit, toLink, (r) => [Number(r.cohort_id)]);
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/courses/:id/enrollments/cohorts/:cohortId', permission: coursePermissions.enroll, context: inCourse, params: CohortLinkParams,
    summary: 'Unlink a cohort: later members are no longer enrolled; enrollments made stay', responses: { 204: null },
    async handler(req) {
      await unlinkCourseCohort(req, req.params.id, req.params.cohortId);
      return reply.noContent();
    },
  }),
];
