// Learning objectives (API.md "Content"): list (optionally only the uncovered), create, edit, and the
// coverage of one: the published content linked to it and the courses that place that content.
import { conflict, defineRoute, reply, Type, type SignedInRequest } from 'lectern';
import { byTitle } from '../cursors';
import { contentPermissions } from '../permissions';
import { coverage, listObjectives, objectiveRow } from '../model/objectives';
import { OBJECTIVES } from '../model/rows';
import { Coverage, Objective, ObjectiveCode, ObjectiveIdParams, ObjectivePage, Title } from '../schemas';

const fields = {
  code: ObjectiveCode, title: Title, description: Type.Optional(Type.String({ maxLength: 5_000 })),
};

const takenCode = (code: string) => conflict(`an objective with code "${code}" already exists`);

export async function createObjective(req: SignedInRequest, input: { code: string; title: string; description?: string }) {
  const now = req.now();
  return req.transaction(async (tx) => {
    const [row]: { id: string | number }[] = await tx.db(OBJECTIVES)
      .insert({ code: input.code, title: input.title, description: input.description ?? '', created_at: now, updated_at: now })
      .onConflict(tx.db.raw('(lower(code))')).ignore().returning('id');
    if (!row) throw takenCode(input.code);
    await tx.audit({ action: 'content.objective.create', target: { type: 'objective', id: String(row.id) }, details: { code: input.code } });
    return objectiveRow(tx.db, String(row.id));
  });
}

export async function updateObjective(req: SignedInRequest, id: string, input: { code?: string; title?: string; description?: string }) {
  const now = req.now();
  return req.transaction(async (tx) => {
    await objectiveRow(tx.db, id);
    if (input.code !== undefined && await tx.db(OBJECTIVES).whereRaw('lower(code) = lower(?)', [input.code]).whereNot({ id }).first('id')) throw takenCode(input.code);
    await tx.db(OBJECTIVES).where({ id }).update({ ...input, updated_at: now });
    await tx.audit({ action: 'content.objective.update', target: { type: 'objective', id }, details: { fields: Object.keys(input) } });
    return objectiveRow(tx.db, id);
  });
}

export const objectiveRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/objectives', permission: contentPermissions.view,
    query: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), uncovered: Type.Optional(Type.Boolean()), ...byTitle.query }),
    summary: 'Learning objectives by code; `uncovered=true` keeps those no published content covers', responses: { 200: ObjectivePage },
    handler: (req) => listObjectives(req.db, req.query),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/objectives', permission: contentPermissions.manageObjectives,
    body: Type.Object(fields, { additionalProperties: false }), summary: 'Create a learning objective', responses: { 201: Objective }, errors: [409],
    handler: async (req) => reply.created(await createObjective(req, req.body)),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/objectives/:id', permission: contentPermissions.view, params: ObjectiveIdParams,
    summary: 'One learning objective', responses: { 200: Objective }, handler: (req) => objectiveRow(req.db, req.params.id),
  }),
  defineRoute({
    method: 'PATCH', path: '/api/v1/objectives/:id', permission: contentPermissions.manageObjectives, params: ObjectiveIdParams,
    body: Type.Partial(Type.Object(fields), { additionalProperties: false, minProperties: 1 }),
    summary: 'Edit a learning objective', responses: { 200: Objective }, errors: [409],
    handler: (req) => updateObjective(req, req.params.id, req.body),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/objectives/:id/coverage', permission: contentPermissions.view, params: ObjectiveIdParams,
    summary: 'Which published content and which courses cover an objective', responses: { 200: Coverage },
    handler: (req) => coverage(req, req.params.id),
  }),
];
