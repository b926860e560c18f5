// `lectern seed` for courses: categories, two templates (a compliance course that recertifies yearly and a
// skills course) whose items are lessons written by a content source (the content plugin's, when installed),
// courses made from them with their sections and items copied, each registered as a permission context under
// its category; then the seeded learners (read through the auth plugin's public surface) enrolled in a few
// published courses each and every course given an instructor, with progress, completions and, for half the
// completed learners of recertifying courses, an earlier cycle whose completion has expired. The counters the
// plugin keeps (required items, items done) are set as it would, and each enrollment's role is assigned at
// its course's context, as enrolling does.
import { CoreServices, SYSTEM, type Knex, type PluginContext, type SeedCounts, type SeedPlan, type TransactionContext } from 'lectern';
import { AuthSeededPeople } from 'lectern/auth';
import { contentSources } from './api';
import { categoryContext } from './model/categories';
import { courseContext } from './model/courses';
import { coursesChanged } from './changes';

const CATEGORIES = ['Health and Safety', 'Compliance', 'Leadership', 'Customer Service', 'Information Security', 'Onboarding',
  'Product Knowledge', 'Sales', 'Wellbeing', 'Technical Skills', 'Quality', 'Finance'];
const TITLES = ['Fire Safety Essentials', 'Data Protection Basics', 'Leading Your First Team', 'Handling Customer Complaints',
  'Phishing Awareness', 'Welcome to the Company', 'First Aid at Work', 'Giving Great Feedback', 'Manual Handling',
  'Anti-Bribery and Corruption', 'Password and Device Security', 'Negotiation Skills', 'Mental Health Awareness', 'Working at Height',
  'Equality and Inclusion', 'Food Hygiene', 'Export Controls', 'Budgeting for Managers', 'Product Tour', 'Writing Clear Emails'];
/** The last item of each template is optional; the others are required, in order. */
const TEMPLATES = [
  { code: 'TPL-COMPLIANCE', title: 'Compliance course template', recertifyAfterDays: 365, sections: [
    { title: 'The rules', items: ['Why it matters', 'What the law says', 'Our policy'] },
    { title: 'In practice', items: ['Case studies', 'Check your understanding', 'Further reading'] },
  ] },
  { code: 'TPL-SKILLS', title: 'Skills course template', recertifyAfterDays: null, sections: [
    { title: 'Introduction', items: ['Overview', 'Key ideas'] },
    { title: 'Practice', items: ['Worked example', 'Try it yourself'] },
    { title: 'Wrap-up', items: ['Summary', 'Going further'] },
  ] },
];
/** Published courses each learner is enrolled in (fewer when there are fewer courses). */
const COURSES_PER_LEARNER = 4;
const ASSIGN_BATCH = 5000;

/** `name`, then `name 2`, `name 3`… once the list runs out. */
const nth = (names: readonly string[], i: number) => (i < names.length ? names[i] : `${names[i % names.length]} ${Math.floor(i / names.length) + 1}`);

export async function seedCourses(plan: SeedPlan, ctx: PluginContext): Promise<SeedCounts> {
  const people = await ctx.resolve(AuthSeededPeople)();
  return ctx.transaction(async (tx) => {
    const db = tx.db;
    const permissions = tx.resolve(CoreServices.permissions);
    const categories: string[] = (await db('courses_categories').insert(Array.from({ length: plan.categories }, (_, i) => ({ name: nth(CATEGORIES, i) }))).returning('id'))
      .map((r: { id: string }) => String(r.id));
    for (const id of categories) await permissions.setContext(categoryContext(id), SYSTEM, db);

    const templates: string[] = [];
    let lessons = 0;
    for (const t of TEMPLATES) {
      const [course] = await db('courses_courses').insert({ code: t.code, title: t.title, summary: 'The structure new courses start from.', is_template: true, recertify_after_days: t.recertifyAfterDays }).returning('id');
      templates.push(String(course.id));
      const contentIds = await lessonsOf(ctx, db, t);
      lessons += contentIds.flat().filter((id) => !id.startsWith('lesson:')).length;
      for (const [position, s] of t.sections.entries()) {
        const [section] = await db('courses_sections').insert({ course_id: course.id, title: s.title, position }).returning('id');
        await db('courses_items').insert(s.items.map((title, i) => ({
          course_id: course.id, section_id: section.id, content_id: contentIds[position][i], title,
          required: !(position === t.sections.length - 1 && i === s.items.length - 1), position: i,
        })));
      }
    }

    // Every third course is a compliance course (recertifying); one in ten a draft; a quarter open to self-enrollment.
    await db.raw(`insert into courses_courses (code, title, summary, category_id, status, template_id, self_enrollment, recertify_after_days, published_at, created_at)
      select 'C' || lpad(g::text, 4, '0'), (?::text[])[1 + (g - 1) % ?] || case when g > ? then ' ' || ((g - 1) / ? + 1) else '' end,
        'Practical training for everyone in the organization.', (?::bigint[])[1 + (g - 1) % ?],
        case when g % 10 = 0 then 'draft' else 'published' end, t.id, g % 4 = 1, t.recertify_after_days,
        case when g % 10 <> 0 then now() - interval '2 years' end, now() - interval '2 years'
      from generate_series(1, ?) g join courses_courses t on t.id = (?::bigint[])[case when g % 3 = 0 then 1 else 2 end]`,
    [TITLES, TITLES.length, TITLES.length, TITLES.length, categories, categories.length, plan.courses, templates]);
    await db.raw(`insert into courses_sections (course_id, title, position)
      select c.id, s.title, s.position from courses_courses c join courses_sections s on s.course_id = c.template_id where not c.is_template`);
    await db.raw(`insert into courses_items (course_id, section_id, content_id, title, required, position)
      select cs.course_id, cs.id, i.content_id, i.title, i.required, i.position from courses_sections cs
      join courses_courses c on c.id = cs.course_id and not c.is_template
      join courses_sections ts on ts.course_id = c.template_id and ts.position = cs.position join courses_items i on i.section_id = ts.id`);
    await db.raw('update courses_courses c set required_items = (select count(*) from courses_items i where i.course_id = c.id and i.required)');
    const courses: { id: string; category_id: string }[] = await db('courses_courses').orderBy('id').select('id', 'category_id');
    for (const c of courses) await permissions.setContext(courseContext(c.id), categoryContext(c.category_id), db);

    await enroll(tx, people);
    for (const role of ['learner', 'instructor']) await assignRoles(tx, role);
    await coursesChanged(tx);

    const count = async (table: string, where = 'true') => Number((await db.raw(`select count(*)::int as n from ${table} where ${where}`)).rows[0].n);
    const counts = {
      categories: categories.length, courses: plan.courses, templates: templates.length, 'lesson pages': lessons, enrollments: await count('courses_enrollments'),
      'item completions': await count('courses_progress'), completions: await count('courses_completions'),
      'expired completions': await count('courses_completions', 'expired_at is not null'),
    };
    await tx.audit({ action: 'courses.seeded', details: counts });
    return counts;
  });
}

/**
 * The content of a template's items, by section: lessons written by a content source that seeds (the content
 * plugin's pages, which learners open), else `lesson:` placeholders no plugin opens, which learners mark done.
 */
async function lessonsOf(ctx: PluginContext, db: Knex, t: typeof TEMPLATES[number]): Promise<string[][]> {
  const source = ctx.extensions(contentSources).find((s) => s.seed);
  if (!source?.seed) return t.sections.map((s, position) => s.items.map((_, i) => `lesson:${t.code.toLowerCase()}-${position + 1}-${i + 1}`));
  const ids = await source.seed(t.sections.flatMap((s) => s.items.map((title) => ({ title, course: t.title }))), db);
  let next = 0;
  return t.sections.map((s) => s.items.map(() => `${source.type}:${ids[next++]}`));
}

/**
 * Learners in a few published courses each, due dates around today (a fifth without), each having done the first
 * few items in order: done every required one, they completed it. In a recertifying course, half of those
 * completed it first 520 days ago: that completion expired, and they completed the course again in the next
 * cycle. Enrollments are written once, in their final state, with the counters the plugin keeps. One instructor
 * per published course.
 */
async function enroll(tx: TransactionContext, people: { learners: string[]; instructors: string[] }): Promise<void> {
  const db = tx.db;
  const published: string[] = (await db('courses_courses').where({ status: 'published', is_template: false }).orderBy('id').pluck('id')).map(String);
  if (!published.length) return;
  await db.raw(`create temporary table seed_learners on commit drop as
    select p.course_id, p.user_id, p.enrolled_at, p.due_at, c.required_items as required, c.recertify_after_days as recert, x.done,
      c.recertify_after_days is not null and p.seq % 2 = 0 and x.done >= c.required_items as recertified
    from (select distinct on (course_id, user_id) (?::bigint[])[1 + (u.n * 7919 + k * 104729) % ?] as course_id, u.id as user_id, u.n * 8 + k as seq,
        now() - ((u.n * 13 + k * 29) % 300 + 30) * interval '1 day' as enrolled_at,
        case when (u.n + k) % 5 <> 0 then now() + ((u.n * 31 + k) % 121 - 40) * interval '1 day' end as due_at
      from unnest(?::bigint[]) with ordinality u(id, n) cross join generate_series(0, ?) k) p
    join courses_courses c on c.id = p.course_id
    join (select course_id, count(*)::int as items from courses_items group by course_id) i on i.course_id = p.course_id
    cross join lateral (select least(i.items, (p.seq * 7) % (i.items + 3))::int as done) x`,
  [published, published.length, people.learners, Math.min(COURSES_PER_LEARNER, published.length) - 1]);
  // When the current cycle started (its items were done a day apart from then).
  const started = `case when s.recertified then now() - interval '100 days' else s.enrolled_at end`;
  await db.raw(`insert into courses_enrollments (course_id, user_id, role, source, enrolled_at, due_at, cycle, items_done, required_done, completed_at, last_expires_at)
    select s.course_id, s.user_id, 'learner', 'manual', case when s.recertified then now() - interval '185 days' else s.enrolled_at end, s.due_at,
      case when s.recertified then 2 else 1 end, s.done, least(s.done, s.required), d.at, d.at + s.recert * interval '1 day'
    from seed_learners s cross join lateral (select case when s.done >= s.required then ${started} + s.required * interval '1 day' end as at) d`);
  await db.raw(`insert into courses_enrollments (course_id, user_id, role, source, enrolled_at)
    select c.id, (?::bigint[])[1 + (c.n - 1) % ?], 'instructor', 'manual', now() - interval '1 year'
    from unnest(?::bigint[]) with ordinality c(id, n) on conflict (course_id, user_id) do nothing`, [people.instructors, people.instructors.length, published]);

  await db.raw(`create temporary table seed_items on commit drop as
    select i.id, i.course_id, row_number() over (partition by i.course_id order by s.position, i.position) as n
    from courses_items i join courses_sections s on s.id = i.section_id`);
  const learners = 'seed_learners s join courses_enrollments e on e.course_id = s.course_id and e.user_id = s.user_id';
  await db.raw(`insert into courses_progress (enrollment_id, cycle, item_id, completed_at)
    select e.id, 1, i.id, now() - interval '520 days' + i.n * interval '1 day'
    from ${learners} join seed_items i on i.course_id = s.course_id and i.n <= s.required where s.recertified`);
  await db.raw(`insert into courses_progress (enrollment_id, cycle, item_id, completed_at)
    select e.id, e.cycle, i.id, ${started} + i.n * interval '1 day' from ${learners} join seed_items i on i.course_id = s.course_id and i.n <= s.done`);
  await db.raw(`insert into courses_completions (enrollment_id, course_id, user_id, cycle, completed_at, expires_at, expired_at)
    select e.id, e.course_id, e.user_id, 1, d.at, d.at + s.recert * interval '1 day', d.at + s.recert * interval '1 day'
    from ${learners} cross join lateral (select now() - interval '520 days' + s.required * interval '1 day' as at) d where s.recertified`);
  await db.raw(`insert into courses_completions (enrollment_id, course_id, user_id, cycle, completed_at, expires_at)
    select id, course_id, user_id, cycle, completed_at, last_expires_at from courses_enrollments where completed_at is not null`);
}

/** The role of each enrollment at its course's context, as enrolling gives it: one insert per course and batch. */
async function assignRoles(tx: TransactionContext, role: string): Promise<void> {
  const permissions = tx.resolve(CoreServices.permissions);
  const rows: { course_id: string; users: string[] }[] = (await tx.db.raw(`select course_id, array_agg(user_id::text order by user_id) as users
    from courses_enrollments where role = ? group by course_id`, [role])).rows;
  for (const r of rows) {
    for (let i = 0; i < r.users.length; i += ASSIGN_BATCH) await permissions.assignMany(r.users.slice(i, i + ASSIGN_BATCH), role, courseContext(r.course_id), tx.db);
  }
}
