// A course's report page (/reports/courses/:id, reports:view at the course): the summary, then each
// learner's progress, status and dates, filtered by status, a page at a time, with the CSV download.
// Instructors reach it from their course; it runs the same queries as the JSON report.
import { defineRoute, notFound, pagerLinks, Type } from 'lectern';
import { reportPermissions } from '../permissions';
import { byLearnerSort } from '../cursors';
import { CompletionAnswersRef } from '../answers';
import { sortKeyOf, type CompletionFilter, type LearnerStatus } from '../model/completion';
import { COURSES } from '../model/summary';
import { iso, withPeople } from '../model/people';
import { IdString, LearnerStatusSchema } from '../schemas';
import { labelOf, LEARNER_STATUSES } from './labels';

const PAGE = 50;

export const courseReportPage = defineRoute({
  method: 'GET', path: '/reports/courses/:id', permission: reportPermissions.view, html: true, params: Type.Object({ id: IdString }),
  context: ({ params }) => ({ type: 'course', id: params.id }),
  query: Type.Object({ status: Type.Optional(Type.Union([LearnerStatusSchema, Type.Literal('')])), cursor: byLearnerSort.cursor }),
  summary: "A course's progress report (page)",
  async handler(req) {
    const courseId = req.params.id;
    const status = (req.query.status || undefined) as LearnerStatus | undefined;
    const f: CompletionFilter = { courseId, status, now: req.now() };
    const [course, read] = await Promise.all([
      req.readDb(COURSES).where({ course_id: courseId }).first('title', 'code') as Promise<{ title: string; code: string } | undefined>,
      req.resolve(CompletionAnswersRef).page(req.readDb, f, { sort: 'userId', desc: false, limit: PAGE, cursor: req.query.cursor }),
    ]);
    if (!course || !read) throw notFound(`course ${courseId} does not exist`);
    const summary = read.summary;
    const page = byLearnerSort.page(read.rows, PAGE, (r) => r, (r) => sortKeyOf('userId', r));
    const learners = (await withPeople(req, page.items)).map((r) => ({
      userId: String(r.user_id), name: r.person?.name ?? `User ${r.user_id}`, email: r.person?.email ?? null, progress: Number(r.progress),
      status: r.status, statusLabel: labelOf(LEARNER_STATUSES, r.status), alert: r.status === 'overdue', dueAt: iso(r.due_at), completedAt: iso(r.completed_at), enrolledAt: iso(r.enrolled_at),
    }));
    const filters = { status: status ?? '' };
    return req.page('reporting/course-report', {
      title: `Report: ${course.title}`, course: { id: courseId, ...course }, summary, learners, filters,
      statuses: LEARNER_STATUSES.map(({ value, label }) => ({ value, label, selected: value === status })),
      csvHref: `/api/v1/reports/course-completion?courseId=${courseId}&format=csv${status ? `&status=${status}` : ''}`,
      pager: pagerLinks(`/reports/courses/${courseId}`, { status }, page.nextCursor, req.query.cursor !== undefined),
    });
  },
});
