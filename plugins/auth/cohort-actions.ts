// Changes to cohorts, shared by the JSON API and the admin pages: one transaction each, with its
// audit record and the event that lets enrollment follow cohort membership.
import { conflict, notFound, type RouteRequest } from 'lectern';
import type { Cohort } from './api';
import { cohortDeleted, cohortMembersAdded, cohortMembersRemoved } from './api';
import { addMembers, getCohort, toCohort } from './cohorts';
import { findUser } from './users';

const conflictName = (name: string) => conflict(`a cohort named "${name}" already exists`);

export function createCohort(req: RouteRequest, rawName: string): Promise<Cohort> {
  const name = rawName.trim();
  return req.transaction(async (tx) => {
    const [row] = await tx.db('auth_cohorts').insert({ name }).onConflict(tx.db.raw('(lower(name))')).ignore().returning('*');
    if (!row) throw conflictName(name);
    await tx.audit({ action: 'auth.cohort.create', target: { type: 'cohort', id: String(row.id) }, details: { name } });
    return toCohort(row);
  });
}

export function renameCohort(req: RouteRequest, id: string, rawName: string): Promise<Cohort> {
  const name = rawName.trim();
  return req.transaction(async (tx) => {
    const before = await getCohort(tx.db, id);
    const clash = await tx.db('auth_cohorts').whereRaw('lower(name) = lower(?)', [name]).whereNot({ id }).first('id');
    if (clash) throw conflictName(name);
    await tx.db('auth_cohorts').where({ id }).update({ name, updated_at: req.now() });
    await tx.audit({ action: 'auth.cohort.rename', target: { type: 'cohort', id }, details: { from: before.name, to: name } });
    return getCohort(tx.db, id);
  });
}

export function deleteCohort(req: RouteRequest, id: string): Promise<void> {
  return req.transaction(async (tx) => {
    const cohort = await getCohort(tx.db, id);
    await tx.db('auth_cohorts').where({ id }).delete();
    await tx.audit({ action: 'auth.cohort.delete', target: { type: 'cohort', id }, details: { name: cohort.name, members: cohort.memberCount } });
    tx.emit(cohortDeleted, { cohortId: id });
  });
}

/** Adds a member; false when the user already was one. */
export function addCohortMember(req: RouteRequest, id: string, userId: string): Promise<boolean> {
  return req.transaction(async (tx) => {
    await getCohort(tx.db, id);
    if (!(await findUser(tx.db, userId))) throw notFound(`user ${userId} does not exist`);
    const added = await addMembers(tx.db, id, [userId]);
    if (!added.length) return false;
    await tx.audit({ action: 'auth.cohort.addMember', target: { type: 'cohort', id }, details: { userId } });
    tx.emit(cohortMembersAdded, { cohortId: id, userIds: added });
    return true;
  });
}

export function removeCohortMember(req: RouteRequest, id: string, userId: string): Promise<void> {
  return req.transaction(async (tx) => {
    await getCohort(tx.db, id);
    const n = await tx.db('auth_cohort_members').where({ cohort_id: id, user_id: userId }).delete();
    if (!n) throw notFound(`user ${userId} is not a member of cohort ${id}`);
    await tx.audit({ action: 'auth.cohort.removeMember', target: { type: 'cohort', id }, details: { userId } });
    tx.emit(cohortMembersRemoved, { cohortId: id, userIds: [userId] });
  });
}
