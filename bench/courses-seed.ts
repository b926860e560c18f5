// Loads the courses benchmark's data set into a migrated schema with bulk SQL, through the plugins'
// own tables: 10,000 courses in 20 categories (one section of 10 items each, 8 required), 10,000
// learners with 10 enrollments each (100,000, with role assignments at the course contexts and some
// progress), the catalog learner (learner role at system context, 10 enrollments), and "completers":
// learners with many enrollments whose item completions the POST target records, one fresh item per
// request. Categories and courses are registered as permission contexts, as the plugin does.
import type { Knex } from 'knex';

export const COURSES = 10_000;
const CATEGORIES = 20;
const ITEMS_PER_COURSE = 10;
const REQUIRED_ITEMS = 8;
const LEARNERS = 10_000;
const ENROLLMENTS_PER_LEARNER = 10;
const COMPLETERS = 40;
const COMPLETER_COURSES = 1_100;

export interface Seeded { enrollments: number; catalogLearner: string; completers: string[]; publishedCourses: number }

/** One completion target: a completer's token index, a course and one of its items. */
export interface Completion { completer: number; courseId: string; itemId: string }

/**
 * One section per course holding `items` items (the first `required` of them required), and every category
 * and course registered as a permission context (category under system, course under its category).
 */
export async function seedCourseStructure(trx: Knex, items: number, required: number): Promise<void> {
  await trx.raw(`insert into courses_sections (course_id, title, position) select id, 'Module 1', 0 from courses_courses`);
  await trx.raw(`insert into courses_items (course_id, section_id, content_id, title, required, position)
    select s.course_id, s.id, 'doc:' || (s.course_id * 100 + g), 'Lesson ' || g, g <= ?, g - 1
    from courses_sections s cross join generate_series(1, ?) g`, [required, items]);
  await trx.raw(`insert into core_contexts (type, instance_id, parent_id, path) select 'category', id::text, 1, '' from courses_categories`);
  await trx.raw(`insert into core_contexts (type, instance_id, parent_id, path)
    select 'course', c.id::text, x.id, '' from courses_courses c join core_contexts x on x.type = 'category' and x.instance_id = c.category_id::text`);
  for (const type of ['category', 'course']) {
    await trx.raw(`update core_contexts c set path = p.path || '/' || c.id from core_contexts p where c.parent_id = p.id and c.path = '' and c.type = ?`, [type]);
  }
}

/** The data set's size: courses, and learners with 10 enrollments each (the courses benchmark's targets are defined at the default). */
export interface SeedSize { courses: number; learners: number }

/** `completers`: how many completers (each enrolled in 1,100 courses); default 40. */
export async function seed(db: Knex, passwordHash: string, completers = COMPLETERS, size: SeedSize = { courses: COURSES, learners: LEARNERS }): Promise<Seeded> {
  return db.transaction(async (trx) => {
    await trx.raw(`insert into courses_categories (name) select 'Category ' || g from generate_series(1, ?) g`, [CATEGORIES]);
    // Titles in an order unrelated to ids; a tenth drafts, a fiftieth archived, one in a hundred a template.
    await trx.raw(`insert into courses_courses (code, title, summary, category_id, status, is_template, self_enrollment, published_at)
      select 'C' || lpad(g::text, 5, '0'), initcap(substr(md5(g::text), 1, 8)) || ' safety ' || g, 'How to work safely, part ' || g,
        (select min(id) from courses_categories) + (g - 1) % ?,
        case when g % 10 = 0 then 'draft' when g % 50 = 1 then 'archived' else 'published' end, g % 100 = 7, g % 3 = 0, now()
      from generate_series(1, ?) g`, [CATEGORIES, size.courses]);
    await seedCourseStructure(trx, ITEMS_PER_COURSE, REQUIRED_ITEMS);

    await trx.raw(`insert into auth_users (email, name) select 'learner' || g || '@bench.example', 'Learner ' || g from generate_series(1, ?) g`, [size.learners]);
    await trx.raw(`insert into auth_users (email, name, password_hash) values ('catalog@bench.example', 'Catalog learner', ?)`, [passwordHash]);
    await trx.raw(`insert into auth_users (email, name, password_hash) select 'completer' || g || '@bench.example', 'Completer ' || g, ? from generate_series(1, ?) g`, [passwordHash, completers]);

    const open = `with open as (select id, row_number() over (order by id) - 1 as n, count(*) over () as total from courses_courses where status = 'published' and not is_template)`;
    // Learners and the catalog learner: 10 courses each, spread pseudo-randomly; due dates around now.
    await trx.raw(`${open}
      insert into courses_enrollments (course_id, user_id, role, source, enrolled_at, due_at)
      select o.id, u.id, 'learner', 'manual', now() - interval '30 days', now() + ((u.id + k) % 60 - 10) * interval '1 day'
      from auth_users u cross join generate_series(0, ?) k join open o on o.n = (u.id * 7919 + k * 104729) % o.total
      where u.email like 'learner%' or u.email = 'catalog@bench.example'
      on conflict (course_id, user_id) do nothing`, [ENROLLMENTS_PER_LEARNER - 1]);
    // Completers: many consecutive courses each, so there are plenty of distinct items to complete.
    await trx.raw(`${open}
      insert into courses_enrollments (course_id, user_id, role, source, enrolled_at)
      select o.id, u.id, 'learner', 'manual', now() - interval '1 day'
      from auth_users u cross join generate_series(0, ?) k join open o on o.n = ((u.id * ?) + k) % o.total
      where u.email like 'completer%'
      on conflict (course_id, user_id) do nothing`, [COMPLETER_COURSES - 1, COMPLETER_COURSES]);
    await trx.raw(`insert into courses_progress (enrollment_id, cycle, item_id, completed_at)
      select e.id, 1, i.id, now() - interval '1 day' from courses_enrollments e join courses_items i on i.course_id = e.course_id and i.position < e.id % 6
      join auth_users u on u.id = e.user_id where u.email not like 'completer%'`);
    // The progress counters the plugin keeps (see plugins/courses/model/progress.ts).
    await trx.raw('update courses_courses c set required_items = (select count(*) from courses_items i where i.course_id = c.id and i.required)');
    await trx.raw(`update courses_enrollments e set items_done = p.items, required_done = p.required
      from (select p.enrollment_id, count(*) as items, count(*) filter (where i.required) as required
        from courses_progress p join courses_items i on i.id = p.item_id group by p.enrollment_id) p
      where p.enrollment_id = e.id`);
    await trx.raw(`insert into core_role_assignments (user_id, role_key, context_id)
      select e.user_id::text, e.role, x.id from courses_enrollments e join core_contexts x on x.type = 'course' and x.instance_id = e.course_id::text`);
    await trx.raw(`insert into core_role_assignments (user_id, role_key, context_id)
      select id::text, 'learner', 1 from auth_users where email = 'catalog@bench.example'`);

    const count = async (sql: string) => Number(((await trx.raw(sql)) as { rows: { n: number }[] }).rows[0].n);
    return {
      enrollments: await count('select count(*)::int as n from courses_enrollments'),
      publishedCourses: await count(`select count(*)::int as n from courses_courses where status = 'published' and not is_template`),
      catalogLearner: 'catalog@bench.example',
      completers: Array.from({ length: completers }, (_, i) => `completer${i + 1}@bench.example`),
    };
  });
}

/**
 * Every item the completers have left, ordered so that consecutive requests hit different enrollments
 * (no lock queue) while every course is still completed now and then: groups of 100 enrollments, item
 * by item.
 */
export async function completions(db: Knex, completers: string[]): Promise<Completion[]> {
  const { rows } = await db.raw(`select email, course_id, item_id from (
      select u.email, e.course_id, i.id as item_id, i.position, e.id as enrollment_id, dense_rank() over (order by e.id) - 1 as n
      from courses_enrollments e join auth_users u on u.id = e.user_id join courses_items i on i.course_id = e.course_id
      where u.email = any(?)) x
    order by n / 100, position, enrollment_id`, [completers]) as { rows: { email: string; course_id: number; item_id: number }[] };
  return rows.map((r) => ({ completer: completers.indexOf(r.email), courseId: String(r.course_id), itemId: String(r.item_id) }));
}
