// `lectern seed` for content: the organization's handbook, a set of published pages (version 1, reviewed and
// approved by the seeded content manager, who owns them), the policies among them due for review yearly; and,
// asked by the courses plugin's seed, the lessons its course templates place.
import type { Knex, PluginContext, SeedCounts } from 'lectern';
import { AuthDirectory } from 'lectern/auth';
import { ITEMS, VERSIONS } from './model/rows';

const PAGES = [
  { title: 'Code of conduct', policy: true, body: 'How we treat each other, our customers and our partners.' },
  { title: 'Emergency procedures', policy: true, body: 'What to do when the alarm sounds: leave by the nearest exit and gather at the assembly point.' },
  { title: 'Expense policy', policy: true, body: 'What the company pays for, and how to claim it within 30 days.' },
  { title: 'Information security checklist', policy: true, body: 'Lock your screen, use the password manager, report anything suspicious.' },
  { title: 'Data classification guide', policy: true, body: 'Public, internal, confidential and restricted: how to tell them apart and handle each.' },
  { title: 'Remote working guide', policy: false, body: 'Setting up a safe and comfortable place to work from home.' },
  { title: 'How to book training', policy: false, body: 'Find a course in the catalog, enroll, and tell your manager.' },
  { title: 'Customer service standards', policy: false, body: 'Answer within one working day; own the problem until it is solved.' },
  { title: 'Glossary', policy: false, body: 'The words and abbreviations used across our courses.' },
  { title: 'Who to ask', policy: false, body: 'The support desk, the privacy officer and your manager: who helps with what.' },
];

export async function seedContent(_plan: unknown, ctx: PluginContext): Promise<SeedCounts> {
  const owner = (await ctx.resolve(AuthDirectory).usersByEmail(['content@example.com'])).get('content@example.com')?.id ?? null;
  return ctx.transaction(async (tx) => {
    const now = ctx.now();
    const reviewed = new Date(now.getTime() - 90 * 86_400_000);
    for (const page of PAGES) await insertPage(tx.db, { ...page, owner, reviewed });
    const counts = { pages: PAGES.length };
    await tx.audit({ action: 'content.seeded', details: counts });
    return counts;
  });
}

/** For the courses plugin's seed (through its content source): a published page per lesson, owned by nobody. */
export async function seedLessons(lessons: { title: string; course: string }[], db: Knex): Promise<string[]> {
  const ids: string[] = [];
  for (const l of lessons) {
    ids.push(await insertPage(db, { title: l.title, policy: false, owner: null, reviewed: new Date(),
      body: `A made-up lesson of the ${l.course}, placed in every course made from it. Opening it counts it as done.` }));
  }
  return ids;
}

/** One published page at version 1, approved when `reviewed`; a policy is due for review a year later. */
async function insertPage(db: Knex, page: { title: string; body: string; policy: boolean; owner: string | null; reviewed: Date }): Promise<string> {
  const { owner, reviewed } = page;
  const [item] = await db(ITEMS).insert({
    type: 'page', title: page.title, status: 'published', latest_version: 1, published_version: 1, owner_id: owner,
    review_every_days: page.policy ? 365 : null, reviewed_at: page.policy ? reviewed : null,
    review_due_at: page.policy ? new Date(reviewed.getTime() + 365 * 86_400_000) : null, created_at: reviewed, updated_at: reviewed,
  }).returning('id');
  await db(VERSIONS).insert({
    item_id: item.id, number: 1, title: page.title, body: `# ${page.title}\n\n${page.body}\n`, note: 'Created', author_id: owner, created_at: reviewed,
    submitted_by: owner, submitted_at: reviewed, reviewed_by: owner, reviewed_at: reviewed, review_outcome: 'approved',
  });
  return String(item.id);
}
