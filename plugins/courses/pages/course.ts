// The course page (/courses/:id): its sections and items; for an enrolled learner their progress and a
// "Mark complete" button per item, otherwise the self-enrollment form where the course allows it. An item
// whose content source has a view page links there instead: opening the content completes it. The POST
// handlers go through the same shared actions as the JSON routes (completing an item, self-enrolling).
import { defineRoute, reply, Type, type SignedInRequest, Done, doneNotice, submitForm } from 'lectern';
import { coursePermissions } from '../permissions';
import { CourseItemParams, CourseParams, inCourse } from '../params';
import { toCourse, visibleCourse } from '../model/courses';
import { sectionsWithItems, type SectionRow } from '../model/sections';
import { mine as myEnrollments, type Mine } from '../model/mine';
import { toEnrollment } from '../model/standing';
import { selfEnroll } from '../actions/enrollments';
import { completeItem } from '../actions/progress';
import { viewPath } from '../model/content';
import { withStateLabel } from './states';

const VIEW = 'courses/course';
const NOTICES = { completed: 'Item marked complete.', enrolled: 'You are enrolled in this course.' };

/** Everything the course page shows to the caller. */
async function coursePage(req: SignedInRequest, id: string): Promise<Record<string, unknown>> {
  const course = await visibleCourse(req, id);
  const [sectionRows, mine]: [SectionRow[], Mine | undefined] = await Promise.all([
    req.db('courses_sections').where({ course_id: id }).orderBy([{ column: 'position' }, { column: 'id' }]),
    myEnrollments(req.db, req.principal.id).where({ 'e.course_id': id, 'e.role': 'learner' }).first(),
  ]);
  const done: { item_id: number }[] = mine ? await req.db('courses_progress').where({ enrollment_id: mine.id, cycle: mine.cycle }).select('item_id') : [];
  const doneIds = new Set(done.map((d) => String(d.item_id)));
  const open = course.status === 'published' && !course.is_template;
  const sections = (await sectionsWithItems(req.db, sectionRows)).map((s) => ({
    ...s, items: s.items.map((i) => {
      const href = viewPath(req, i);
      return { ...i, href, done: doneIds.has(i.id), completable: Boolean(mine) && open && !href };
    }),
  }));
  return {
    title: course.title, course: toCourse(course), sections,
    enrollment: mine ? withStateLabel(toEnrollment(mine, req.now())) : null,
    canSelfEnroll: !mine && open && course.self_enrollment,
  };
}

export const coursePageRoutes = [
  defineRoute({
    method: 'GET', path: '/courses/:id', permission: coursePermissions.view, context: inCourse, params: CourseParams, html: true,
    query: Type.Object({ done: Done }), summary: 'A course: sections, items and my progress (page)',
    async handler(req) {
      return req.page(VIEW, { ...(await coursePage(req, req.params.id)), notice: doneNotice(NOTICES, req.query.done) });
    },
  }),

  defineRoute({
    method: 'POST', path: '/courses/:id/items/:itemId/complete', authenticated: true, params: CourseItemParams, html: true,
    body: Type.Object({}), summary: 'Complete an item as an enrolled learner (form)',
    async handler(req) {
      const { id, itemId } = req.params;
      await completeItem(req, { courseId: id, itemId, userId: req.principal.id, ip: req.ip });
      return reply.redirect(`/courses/${id}?done=completed#item-${itemId}`);
    },
  }),

  defineRoute({
    method: 'POST', path: '/courses/:id/self-enroll', authenticated: true, params: CourseParams, html: true,
    body: Type.Object({ key: Type.Optional(Type.String({ maxLength: 200 })) }), summary: 'Enroll yourself in a course (form)',
    async handler(req) {
      const { id } = req.params;
      return submitForm(req, { view: VIEW, form: 'enroll', values: {}, load: () => coursePage(req, id) }, async () => {
        await selfEnroll(req, id, req.body.key || undefined);
        return reply.redirect(`/courses/${id}?done=enrolled`);
      });
    },
  }),
];
