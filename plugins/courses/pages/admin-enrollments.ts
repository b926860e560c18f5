// A course's enrollments (/admin/courses/:id/enrollments, courses:enroll): who is enrolled or was,
// filtered by role and status and found by name or email, a page at a time; enroll one user by email (or change
// their role or due date), unenroll them, link a cohort (a job enrolls its members; only cohorts the caller may
// find are offered) or unlink it, and the CSV upload, whose script sends the file to the import API and shows the
// job it started. Every POST goes through the same action as the JSON route (actions/enrollments.ts), and an email
// goes through the same rule of whom the caller may enroll (model/users.ts).
import { badRequest, defineRoute, pagerLinks, reply, Type, type SignedInRequest, type Static, Done, doneNotice, submitForm, dateField, filled } from 'lectern';
import { coursePermissions } from '../permissions';
import { courseSettings } from '../settings';
import { CohortLinkParams, CourseParams, EnrollmentParams, IdString, inCourse, RoleSchema } from '../params';
import { getCourse, toCourse } from '../model/courses';
import { directory, enrollableByEmail, refusal } from '../model/users';
import { roster } from '../model/roster';
import { enrollUser, linkCohort, unenrollUser, unlinkCourseCohort } from '../actions/enrollments';
import { byId } from '../cursors';
import { withStateLabel } from './states';

const VIEW = 'courses/admin/enrollments';
const PAGE_SIZE = 50;
const COHORT_CHOICES = 500;
/** A search matching more people than this shows enrollments among the first of them only (and says so). */
const SEARCH_MATCHES = 1_000;
const NOTICES = {
  enrolled: 'The user is enrolled.', updated: 'The enrollment is updated.', unchanged: 'The user was enrolled like that already.',
  unenrolled: 'The user is unenrolled; their progress is kept.',
  'cohort-linked': 'The cohort is linked: its members are being enrolled, and members who join later will be too.',
  'cohort-unlinked': 'The cohort is unlinked. Enrollments made through it stay.',
};

const RosterQuery = Type.Object({
  role: Type.Optional(Type.Union([Type.Literal(''), RoleSchema])),
  status: Type.Optional(Type.Union([Type.Literal(''), Type.Literal('active'), Type.Literal('unenrolled')])),
  q: Type.Optional(Type.String({ maxLength: 320 })),
  cursor: byId.cursor,
  done: Done,
  job: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
type Filters = Omit<Static<typeof RosterQuery>, 'done' | 'job'>;

const enrolling = { permission: coursePermissions.enroll, context: inCourse, html: true as const };

async function enrollmentsPage(req: SignedInRequest, id: string, filters: Filters = {}): Promise<Record<string, unknown>> {
  const course = await getCourse(req.db, id);
  const q = filters.q?.trim() || undefined;
  const users = directory(req);
  const matches = q ? await users.searchUsers(q, SEARCH_MATCHES) : undefined;
  const [list, choices, links, { importMaxBytes }] = await Promise.all([
    matches?.length === 0 ? { items: [], nextCursor: null }
      : roster(req, id, { role: filters.role || undefined, status: filters.status || undefined, userIds: matches, cursor: filters.cursor }, PAGE_SIZE),
    users.visibleCohortsByName(req.principal, COHORT_CHOICES),
    req.db('courses_cohort_links').where({ course_id: id }).orderBy('created_at').limit(PAGE_SIZE).select('cohort_id', 'due_at'),
    req.settings(courseSettings),
  ]);
  const named = await users.cohortsById(links.map((l: { cohort_id: number }) => String(l.cohort_id)));
  const shown = { role: filters.role, status: filters.status, q };
  return {
    title: `Enrollments: ${course.title}`, course: toCourse(course), filters: shown, broadSearch: matches?.length === SEARCH_MATCHES,
    enrollments: list.items.map(withStateLabel), pager: pagerLinks(`/admin/courses/${id}/enrollments`, shown, list.nextCursor, filters.cursor !== undefined),
    cohorts: choices.map((c) => ({ id: c.id, name: c.name, memberCount: c.memberCount })),
    links: links.map((l: { cohort_id: number; due_at: Date | null }) => ({
      cohortId: String(l.cohort_id), name: named.get(String(l.cohort_id))?.name ?? `Cohort ${l.cohort_id}`, dueAt: l.due_at && new Date(l.due_at).toISOString(),
    })),
    importMaxBytes, forms: { enroll: { values: { role: 'learner' } } },
  };
}

/** The enrollments page again, after a change: `done` says what happened, `job` is the job it started. */
const backTo = (id: string, done: string, job?: string) =>
  reply.redirect(`/admin/courses/${id}/enrollments?done=${done}${job ? `&job=${encodeURIComponent(job)}` : ''}`);

export const enrollmentPageRoutes = [
  defineRoute({
    ...enrolling, method: 'GET', path: '/admin/courses/:id/enrollments', params: CourseParams, query: RosterQuery, summary: 'A course\'s enrollments (page)',
    async handler(req) {
      const { done, job, ...filters } = req.query;
      return req.page(VIEW, {
        ...(await enrollmentsPage(req, req.params.id, filters)), notice: doneNotice(NOTICES, done),
        job: job ? { id: job, href: `/jobs/${encodeURIComponent(job)}` } : null,
      });
    },
  }),

  defineRoute({
    ...enrolling, method: 'POST', path: '/admin/courses/:id/enrollments', params: CourseParams, summary: 'Enroll a user by email, or change their role or due date (form)',
    body: Type.Object({ email: Type.String({ maxLength: 320 }), role: RoleSchema, dueAt: Type.String({ maxLength: 40 }) }),
    async handler(req) {
      const { id } = req.params;
      return submitForm(req, { view: VIEW, form: 'enroll', values: req.body, load: () => enrollmentsPage(req, id) }, async () => {
        const email = filled(req.body.email, 'email');
        const dueAt = dateField(req.body.dueAt, 'dueAt');
        const user = (await enrollableByEmail(req, req.principal, [email])).get(email.toLowerCase());
        const why = refusal(user);
        if (why === 'out of reach') throw badRequest(`${email} cannot be enrolled: it is not an account you can enroll.`, [{ path: 'body.email', message: 'belongs to no account you can enroll' }]);
        if (why) throw badRequest(`${email} cannot be enrolled: the user is deactivated.`, [{ path: 'body.email', message: 'belongs to a deactivated account' }]);
        const { outcome } = await enrollUser(req, id, { userId: user?.id as string, role: req.body.role, dueAt });
        return backTo(id, outcome);
      });
    },
  }),

  defineRoute({
    ...enrolling, method: 'POST', path: '/admin/courses/:id/enrollments/:userId/unenroll', params: EnrollmentParams, summary: 'Unenroll a user (form)',
    async handler(req) {
      await unenrollUser(req, req.params.id, req.params.userId);
      return backTo(req.params.id, 'unenrolled');
    },
  }),

  defineRoute({
    ...enrolling, method: 'POST', path: '/admin/courses/:id/enrollments/cohort', params: CourseParams, summary: 'Link a cohort: enroll its members, now and later (form)',
    body: Type.Object({ cohortId: Type.Union([Type.Literal(''), IdString]), dueAt: Type.String({ maxLength: 40 }) }),
    async handler(req) {
      const { id } = req.params;
      return submitForm(req, { view: VIEW, form: 'cohort', values: req.body, load: () => enrollmentsPage(req, id) }, async () => {
        const { cohortId } = req.body;
        if (!cohortId) throw badRequest('Choose a cohort.', [{ path: 'body.cohortId', message: 'is required' }]);
        const job = await linkCohort(req, id, cohortId, dateField(req.body.dueAt, 'dueAt')?.toISOString() ?? null);
        return backTo(id, 'cohort-linked', job.id);
      });
    },
  }),

  defineRoute({
    ...enrolling, method: 'POST', path: '/admin/courses/:id/enrollments/cohorts/:cohortId/unlink', params: CohortLinkParams, summary: 'Unlink a cohort (form)',
    async handler(req) {
      await unlinkCourseCohort(req, req.params.id, req.params.cohortId);
      return backTo(req.params.id, 'cohort-unlinked');
    },
  }),
];
