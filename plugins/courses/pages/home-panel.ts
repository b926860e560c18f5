// The "My courses" panel of the signed-in home page (core homePanels): the learner's courses, most recent
// activity first, with their progress, and for instructors the courses they teach with links to the
// editor and the enrollments page (learners' progress). One query: the enrollment rows carry the
// progress counters and the course its required item count, so no per-course query is made.
import type { HomePanel, SignedInRequest } from 'lectern';
import { isId } from '../params';
import { toCourse, type CourseRow } from '../model/courses';
import { toEnrollment, type Standing } from '../model/standing';
import { courseObject, standingColumns } from '../model/columns';

const LIMIT = 20;

type Row = Standing & { course: CourseRow; updated_at: Date };

async function load(req: SignedInRequest): Promise<Record<string, unknown> | null> {
  const userId = req.principal.id;
  if (!isId(userId)) return { learning: [], teaching: [], more: false };
  const db = req.db;
  // Each role's newest 21 rows in one statement: a window over this user's active enrollments.
  const inner = db('courses_enrollments as e').join('courses_courses as c', 'c.id', 'e.course_id')
    .select(...standingColumns(db), courseObject(db, 'course'),
      db.raw('row_number() over (partition by e.role order by e.updated_at desc, e.id desc) as rank'),
      db.raw('e.updated_at as activity'))
    .where({ 'e.user_id': userId, 'e.status': 'active' })
    .andWhere((w) => w.where('e.role', 'instructor').orWhere((l) => l.whereNot('c.status', 'draft').andWhere('c.is_template', false)));
  const rows: (Row & { rank: string | number })[] = await db.from(inner.as('x')).where('x.rank', '<=', LIMIT + 1)
    .orderBy([{ column: 'x.activity', order: 'desc' }, { column: 'x.id', order: 'desc' }]).select('x.*');
  const now = req.now();
  const learnerRows = rows.filter((r) => r.role === 'learner');
  const teachingRows = rows.filter((r) => r.role === 'instructor');
  const learning = learnerRows.slice(0, LIMIT).map((r) => {
    const e = toEnrollment(r, now);
    return { course: toCourse(r.course), progress: e.progress, state: e.state };
  });
  const teaching = teachingRows.slice(0, LIMIT).map((r) => ({ course: toCourse(r.course) }));
  return { learning, teaching, more: learnerRows.length > LIMIT, moreTeaching: teachingRows.length > LIMIT };
}

export const myCoursesPanel: HomePanel = { view: 'courses/home-panel', order: 10, load };
