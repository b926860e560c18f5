// Loads the reporting benchmark's organization into a migrated schema with bulk SQL, through the auth and
// courses plugins' own tables (the reporting summary is then built by the plugin's own rebuild job):
//   100,000 learners; 50 published courses in 5 categories, 20 items each (the first 6 required), every
//   third course recertifying after 180 days; a "big" course with 50,000 learners, a "small" one with
//   1,000, and two more of the other 48 courses for every learner; ~1,000,000 item-progress rows, a
//   third of the enrollments completed (with their completions and expiries), due dates from 75 days
//   ago to 75 days ahead (a tenth without one); a 5,000-member cohort; an instructor of the big and the
//   small course, and a reporter at the system context, both with passwords. Categories and courses are
//   registered as permission contexts, as the courses plugin does.
import type { Knex } from 'knex';
import { seedCourseStructure } from './courses-seed';

export const LEARNERS = 100_000;
export const COURSES = 50;
const CATEGORIES = 5;
const ITEMS_PER_COURSE = 20;
const REQUIRED_ITEMS = 6;
export const BIG_COURSE_LEARNERS = 50_000;
export const SMALL_COURSE_LEARNERS = 1_000;
export const COHORT_MEMBERS = 5_000;
const OTHER_COURSES_PER_LEARNER = 2;

export interface ReportingSeed {
  bigCourseId: string; smallCourseId: string; cohortId: string; instructor: string; reporter: string;
  enrollments: number; progressRows: number; completed: number;
}

export async function seedOrganization(db: Knex, passwordHash: string): Promise<ReportingSeed> {
  return db.transaction(async (trx) => {
    const one = async (sql: string, bindings: readonly Knex.RawBinding[] = []) => ((await trx.raw(sql, bindings)) as { rows: Record<string, string | number>[] }).rows[0];

    await trx.raw(`insert into courses_categories (name) select 'Department ' || g from generate_series(1, ?) g`, [CATEGORIES]);
    await trx.raw(`insert into courses_courses (code, title, summary, category_id, status, recertify_after_days, published_at, required_items)
      select 'R' || lpad(g::text, 2, '0'), 'Compliance course ' || g, 'Required training, part ' || g,
        (select min(id) from courses_categories) + (g - 1) % ?, 'published', case when g % 3 = 0 then 180 end, now() - interval '2 years', ?
      from generate_series(1, ?) g`, [CATEGORIES, REQUIRED_ITEMS, COURSES]);
    await seedCourseStructure(trx, ITEMS_PER_COURSE, REQUIRED_ITEMS);

    await trx.raw(`insert into auth_users (email, name) select 'learner' || g || '@bench.example', 'Learner ' || g from generate_series(1, ?) g`, [LEARNERS]);
    await trx.raw(`insert into auth_users (email, name, password_hash) values ('instructor@bench.example', 'Instructor', ?), ('reporter@bench.example', 'Reporter', ?)`,
      [passwordHash, passwordHash]);

    // Learners and courses numbered from 1, whatever ids the sequences gave.
    const numbered = `with l as (select id, row_number() over (order by id) as n from auth_users where email like 'learner%'),
      c as (select id, row_number() over (order by id) as n from courses_courses)`;
    const enroll = (pick: string) => trx.raw(`${numbered}
      insert into courses_enrollments (course_id, user_id, role, source, enrolled_at, due_at)
      select c.id, l.id, 'learner', 'manual', now() - ((l.n * 13 + c.n) % 300 + 30) * interval '1 day',
        case when (l.n + c.n) % 10 <> 0 then now() + ((l.n * 31 + c.n) % 151 - 75) * interval '1 day' end
      from ${pick} on conflict (course_id, user_id) do nothing`);
    await enroll(`l join c on c.n = 1 where l.n <= ${BIG_COURSE_LEARNERS}`);
    await enroll(`l join c on c.n = 2 where l.n > ${BIG_COURSE_LEARNERS} and l.n <= ${BIG_COURSE_LEARNERS + SMALL_COURSE_LEARNERS}`);
    await enroll(`l cross join generate_series(0, ${OTHER_COURSES_PER_LEARNER - 1}) k join c on c.n = 3 + (l.n * 7919 + k * 104729) % ${COURSES - 2}`);
    await trx.raw(`insert into courses_enrollments (course_id, user_id, role, source, enrolled_at)
      select c.id, u.id, 'instructor', 'manual', now() - interval '1 year' from courses_courses c join auth_users u on u.email = 'instructor@bench.example'
      where c.id in (select id from courses_courses order by id limit 2)`);

    // Progress: 0–8 items per learner enrollment, in order, so the first 6 done means completed.
    await trx.raw(`create temporary table bench_done on commit drop as
      select e.id, e.enrolled_at, (e.id * 7) % 9 as items from courses_enrollments e where e.role = 'learner'`);
    await trx.raw(`insert into courses_progress (enrollment_id, cycle, item_id, completed_at)
      select d.id, 1, i.id, d.enrolled_at + (i.position + 1) * interval '2 days'
      from bench_done d join courses_enrollments e on e.id = d.id join courses_items i on i.course_id = e.course_id and i.position < d.items`);
    await trx.raw(`update courses_enrollments e set items_done = d.items, required_done = least(d.items, ?),
        completed_at = case when d.items >= ? then d.enrolled_at + interval '20 days' end
      from bench_done d where d.id = e.id`, [REQUIRED_ITEMS, REQUIRED_ITEMS]);
    await trx.raw(`insert into courses_completions (enrollment_id, course_id, user_id, cycle, completed_at, expires_at)
      select e.id, e.course_id, e.user_id, 1, e.completed_at, e.completed_at + c.recertify_after_days * interval '1 day'
      from courses_enrollments e join courses_courses c on c.id = e.course_id where e.completed_at is not null`);
    await trx.raw(`update courses_enrollments e set last_expires_at = k.expires_at from courses_completions k where k.enrollment_id = e.id and k.expires_at is not null`);

    await trx.raw(`insert into core_role_assignments (user_id, role_key, context_id)
      select e.user_id::text, e.role, x.id from courses_enrollments e join core_contexts x on x.type = 'course' and x.instance_id = e.course_id::text`);
    await trx.raw(`insert into core_role_assignments (user_id, role_key, context_id) select id::text, 'reporter', 1 from auth_users where email = 'reporter@bench.example'`);

    const cohort = await one(`insert into auth_cohorts (name) values ('Night shift') returning id`);
    await trx.raw(`${numbered} insert into auth_cohort_members (cohort_id, user_id) select ?, l.id from l where l.n <= ?`, [cohort.id, COHORT_MEMBERS]);

    const courses = await one('select min(id) as big, min(id) filter (where id > (select min(id) from courses_courses)) as small from courses_courses');
    const counts = await one(`select (select count(*) from courses_enrollments) as enrollments, (select count(*) from courses_progress) as progress,
      (select count(*) from courses_completions) as completed`);
    return {
      bigCourseId: String(courses.big), smallCourseId: String(courses.small), cohortId: String(cohort.id),
      instructor: 'instructor@bench.example', reporter: 'reporter@bench.example',
      enrollments: Number(counts.enrollments), progressRows: Number(counts.progress), completed: Number(counts.completed),
    };
  });
}
