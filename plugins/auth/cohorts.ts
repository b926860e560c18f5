// Cohorts (departments, teams): named groups of users that enrollment and reporting filter by.
import { notFound, type Knex } from 'lectern';
import type { Cohort } from './api';

interface CohortRow { id: number; name: string; created_at: Date; updated_at: Date; member_count?: number }

export const isCohortId = (id: string) => /^[0-9]{1,18}$/.test(id);

export function toCohort(r: CohortRow): Cohort {
  return {
    id: String(r.id), name: r.name, memberCount: Number(r.member_count ?? 0),
    createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** Cohorts with their member counts, by name. */
export function cohortQuery(db: Knex): Knex.QueryBuilder {
  return db('auth_cohorts as c').select('c.*', db.raw('(select count(*)::int from auth_cohort_members m where m.cohort_id = c.id) as member_count'));
}

export async function findCohort(db: Knex, id: string): Promise<Cohort | null> {
  if (!isCohortId(id)) return null;
  const row = await cohortQuery(db).where('c.id', id).first();
  return row ? toCohort(row) : null;
}

export async function getCohort(db: Knex, id: string): Promise<Cohort> {
  const cohort = await findCohort(db, id);
  if (!cohort) throw notFound(`cohort ${id} does not exist`);
  return cohort;
}

/** Finds a cohort by name (case-insensitive) or creates it; used by the import. */
export async function ensureCohort(db: Knex, name: string): Promise<string> {
  await db('auth_cohorts').insert({ name }).onConflict(db.raw('(lower(name))')).ignore();
  const row = await db('auth_cohorts').whereRaw('lower(name) = lower(?)', [name]).first('id');
  return String(row.id);
}

/** Adds users to a cohort; returns the ids that were not members before. */
export async function addMembers(db: Knex, cohortId: string, userIds: string[]): Promise<string[]> {
  if (!userIds.length) return [];
  const rows: { user_id: number }[] = await db('auth_cohort_members')
    .insert(userIds.map((user_id) => ({ cohort_id: cohortId, user_id })))
    .onConflict(['cohort_id', 'user_id']).ignore().returning('user_id');
  return rows.map((r) => String(r.user_id));
}
