// The "My courses" panel of the signed-in home page (core homePanels): the learner's courses, most recent
// activity first, with their progress, and for instructors the courses they teach with links to the
// editor and the enrollments page (learners' progress). One query: the enrollment rows carry the
// progress counters and the course its required item count, so no per-course query is made; its answer
// is kept with the person's other answers (answers.ts) until their enrollments or the courses change.
import type { HomePanel, PluginContext, SignedInRequest } from 'lectern';
import { CourseAnswersRef } from '../answers';
import { isId } from '../params';

const LIMIT = 20;

interface Row {
  role: 'learner' | 'instructor'; course_id: string | number; title: string; code: string; status: string;
  required_items: number; required_done: number; items_done: number; done: boolean;
}

/** The percent as the API's progress reports it: 100 once completed, else required items done of required. */
const percentOf = (r: Row) => (r.done ? 100 : r.required_items ? Math.floor((r.required_done * 100) / r.required_items) : 0);

async function load(req: SignedInRequest, ctx: PluginContext): Promise<Record<string, unknown> | null> {
  const userId = req.principal.id;
  if (!isId(userId)) return { learning: [], teaching: [] };
  return ctx.resolve(CourseAnswersRef).learners.get(userId, 'home-panel', () => read(req, userId));
}

async function read(req: SignedInRequest, userId: string): Promise<Record<string, unknown>> {
  // Each role's 21 most recently active enrollments, in one statement: a window over this user's active
  // enrollments (learners never see drafts or templates, as on /my/courses), only the columns shown.
  const { rows } = await req.db.raw(`
    select x.role, x.course_id, x.title, x.code, x.status, x.required_items, x.required_done, x.items_done, x.done from (
      select e.role, e.course_id, c.title, c.code, c.status, c.required_items, e.required_done, e.items_done,
        e.completed_at is not null as done, e.updated_at, e.id,
        row_number() over (partition by e.role order by e.updated_at desc, e.id desc) as rank
      from courses_enrollments e join courses_courses c on c.id = e.course_id
      where e.user_id = ? and e.status = 'active' and (e.role = 'instructor' or (c.status <> 'draft' and not c.is_template))
    ) x where x.rank <= ? order by x.updated_at desc, x.id desc`, [userId, LIMIT + 1]) as { rows: Row[] };
  // A 21st row of a role only says there are more (timestamps stay in the database: parsing them costs).
  const learnerRows = rows.filter((r) => r.role === 'learner');
  const teachingRows = rows.filter((r) => r.role === 'instructor');
  const course = (r: Row) => ({ id: String(r.course_id), title: r.title, code: r.code, status: r.status });
  const learning = learnerRows.slice(0, LIMIT).map((r) => ({
    course: course(r), progress: { requiredDone: r.required_done, requiredTotal: r.required_items, percent: percentOf(r) },
  }));
  const teaching = teachingRows.slice(0, LIMIT).map((r) => ({ course: course(r) }));
  return { learning, teaching, more: learnerRows.length > LIMIT, moreTeaching: teachingRows.length > LIMIT };
}

export const myCoursesPanel: HomePanel = { view: 'courses/home-panel', order: 10, load };
