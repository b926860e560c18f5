// `lectern seed` for accounts and cohorts: the named accounts (an administrator, the first instructor and
// learner, and one holder of each staff role the enabled plugins bring), then instructors and learners with
// made-up names, in bulk, and cohorts holding three learners in four. Only the named accounts get a password
// (the plan's, when it has one): hashing one per person would take minutes. Refuses a database that has
// accounts besides the first administrator, so it never mixes with a real organization, and one whose
// administrator has been used when the accounts would get a known password.
import { BootError, CoreServices, SYSTEM, type Knex, type PluginContext, type SeedCounts, type SeedPlan } from 'lectern';
import { SEEDED_EMAIL, type SeededPeople } from './api';
import { hashPassword } from './passwords';

const NAMED = [
  { email: 'admin@example.com', name: 'Alex Morgan', role: 'admin' },
  { email: 'instructor@example.com', name: 'Irene Castillo', role: null },
  { email: 'learner@example.com', name: 'Leo Fischer', role: null },
  { email: 'manager@example.com', name: 'Maya Okafor', role: 'reporter' },
  { email: 'content@example.com', name: 'Colin Baptiste', role: 'content-manager' },
  { email: 'support@example.com', name: 'Sara Lindqvist', role: 'support' },
  { email: 'privacy@example.com', name: 'Priya Raman', role: 'privacy-officer' },
];

const FIRST_NAMES = ['Amara', 'Ben', 'Chloe', 'Daniel', 'Elena', 'Farid', 'Grace', 'Hiro', 'Isla', 'Jonas', 'Kemi', 'Lucas', 'Mina', 'Noah',
  'Olga', 'Pedro', 'Quinn', 'Rosa', 'Samir', 'Tara', 'Umar', 'Vera', 'Wei', 'Xena', 'Yusuf', 'Zoe', 'Aisha', 'Bruno', 'Carmen', 'Dmitri'];
const LAST_NAMES = ['Adeyemi', 'Brennan', 'Chen', 'Dubois', 'Eriksen', 'Fernandes', 'Garcia', 'Hughes', 'Ivanova', 'Jensen', 'Kowalski',
  'Lopez', 'Murphy', 'Nakamura', 'Osei', 'Petrov', 'Rossi', 'Schmidt', 'Tanaka', 'Usman', 'Varga', 'Walsh', 'Yilmaz', 'Zhang', 'Khan', 'Silva'];
const COHORTS = ['Night shift', 'Day shift', 'New starters', 'Warehouse team', 'Field engineers', 'Customer care', 'Sales north', 'Sales south',
  'Finance', 'Leadership programme', 'Lab technicians', 'Drivers', 'Retail floor', 'Head office', 'Contractors'];

/** How many instructors a plan has (the named one included); the rest of its people, less the named accounts, are learners. */
export const instructorsIn = (plan: SeedPlan) => Math.max(2, Math.floor(plan.users / 40));

export async function seedPeople(plan: SeedPlan, ctx: PluginContext): Promise<SeedCounts> {
  const permissions = ctx.resolve(CoreServices.permissions);
  const hash = plan.password === null ? null : await hashPassword(plan.password);
  const roles = new Set((await permissions.listRoles()).map((r) => r.key));
  return ctx.transaction(async (tx) => {
    const existing = Number((await tx.db('auth_users').count({ n: '*' }).first())?.n ?? 0);
    if (existing > 1) throw new BootError('LECTERN_SEED_REFUSED', `the database already has ${existing} accounts; seed only a new one`);
    if (existing === 1) await refuseUsedAdministrator(tx.db, hash !== null);
    const named = await tx.db('auth_users').insert(NAMED.map((p) => ({ email: p.email, name: p.name, password_hash: hash }))).returning(['id', 'email']);
    for (const p of NAMED) {
      const id = String(named.find((r: { email: string }) => r.email === p.email).id);
      if (p.role && roles.has(p.role)) await permissions.assign(id, p.role, SYSTEM, tx.db);
    }
    const person = (kind: string) => `insert into auth_users (email, name)
      select '${kind}' || g || '@example.com', (?::text[])[1 + g % ?] || ' ' || (?::text[])[1 + (g * 7 + g / ?) % ?]
      from generate_series(1, ?) g`;
    const names = (count: number) => [FIRST_NAMES, FIRST_NAMES.length, LAST_NAMES, FIRST_NAMES.length, LAST_NAMES.length, count];
    const instructors = instructorsIn(plan) - 1;
    const learners = plan.users - NAMED.length - instructors;
    await tx.db.raw(person('instructor'), names(instructors));
    await tx.db.raw(person('learner'), names(learners));
    const cohorts = await tx.db('auth_cohorts').insert(Array.from({ length: plan.cohorts }, (_, i) => ({
      name: i < COHORTS.length ? COHORTS[i] : `${COHORTS[i % COHORTS.length]} ${Math.floor(i / COHORTS.length) + 1}`,
    }))).returning('id');
    if (cohorts.length) {
      await tx.db.raw(`insert into auth_cohort_members (cohort_id, user_id)
        select (?::bigint[])[1 + n % ?], id from (select id, row_number() over (order by id) as n from auth_users where email ~ ?) u where n % 4 <> 0`,
      [cohorts.map((c: { id: string }) => c.id), cohorts.length, SEEDED_EMAIL.learner]);
    }
    const members = Number((await tx.db('auth_cohort_members').count({ n: '*' }).first())?.n ?? 0);
    const counts = { users: plan.users, instructors: instructors + 1, learners: learners + 1, cohorts: cohorts.length, 'cohort members': members };
    await tx.audit({ action: 'auth.seeded', details: counts });
    return counts;
  });
}

/**
 * The one account a new database holds is its first administrator. Its address must not be a seeded one (the
 * insert would clash), and accounts with a known password go only beside an administrator nobody has used yet:
 * never signed in, no API token, the password it was created with. Otherwise `lectern demo`, run against a
 * system in service, would add an administrator whose password is printed in the README.
 */
async function refuseUsedAdministrator(db: Knex, knownPassword: boolean): Promise<void> {
  const admin = await db('auth_users as u').leftJoin('auth_initial_passwords as i', 'i.user_id', 'u.id')
    .first('u.email', 'u.last_login_at', 'u.password_hash', 'i.password_hash as initial_hash');
  if (NAMED.some((p) => p.email === admin.email.toLowerCase())) {
    throw new BootError('LECTERN_SEED_CONFLICT', `the administrator's address ${admin.email} is one the seed gives its own accounts; set LECTERN_ADMIN_EMAIL to another address`);
  }
  if (!knownPassword) return;
  const used = admin.last_login_at !== null || admin.password_hash !== admin.initial_hash || await db('auth_tokens').first('id');
  if (used) {
    throw new BootError('LECTERN_SEED_REFUSED', `the administrator ${admin.email} has already used this system; accounts with a known password are seeded only on a new database`);
  }
}

/** The seeded instructors and learners, the named ones first (see SeededPeople). */
export async function seededPeople(ctx: PluginContext): Promise<SeededPeople> {
  const ids = (pattern: string) => ctx.db('auth_users').where('email', '~', pattern).orderBy('id').pluck('id').then((r: unknown[]) => r.map(String));
  return { instructors: await ids(SEEDED_EMAIL.instructor), learners: await ids(SEEDED_EMAIL.learner) };
}
