// Changes to categories, shared by the JSON API and the admin pages: create, rename and move (never
// into a cycle, never next to a sibling of the same name) and delete an empty one. Each moves the
// category's permission context with it, in one transaction with its audit record.
import { conflict, CoreServices, type RouteRequest } from 'lectern';
import { assertCategory, assertNoCycle, categoryContext, getCategory, placeCategory, type CategoryRow } from '../model/categories';
import { coursesChanged } from '../changes';

const takenName = (name: string) => conflict(`a category named "${name}" already exists there`);

export function createCategory(req: RouteRequest, input: { name: string; parentId?: string | null }): Promise<CategoryRow> {
  const name = input.name.trim();
  const parentId = input.parentId ?? null;
  return req.transaction(async (tx) => {
    if (parentId) await assertCategory(tx.db, parentId, 'body.parentId');
    const [row]: CategoryRow[] = await tx.db('courses_categories').insert({ name, parent_id: parentId })
      .onConflict(tx.db.raw('(coalesce(parent_id, 0), lower(name))')).ignore().returning('*');
    if (!row) throw takenName(name);
    await placeCategory(req, tx.db, String(row.id), parentId);
    await coursesChanged(tx);
    await tx.audit({ action: 'courses.category.create', target: { type: 'category', id: String(row.id) }, details: { name, parentId } });
    return row;
  });
}

/** Renames and/or moves a category (parentId null: to the top level). */
export function updateCategory(req: RouteRequest, id: string, input: { name?: string; parentId?: string | null }): Promise<CategoryRow> {
  const { parentId } = input;
  const name = input.name?.trim();
  return req.transaction(async (tx) => {
    const before = await getCategory(tx.db, id);
    if (parentId) {
      await assertCategory(tx.db, parentId, 'body.parentId');
      await assertNoCycle(tx.db, id, parentId);
    }
    const changes: Partial<CategoryRow> = { updated_at: req.now() };
    if (name !== undefined) changes.name = name;
    if (parentId !== undefined) changes.parent_id = parentId === null ? null : Number(parentId);
    const clash = await tx.db('courses_categories').whereRaw('coalesce(parent_id, 0) = ?', [changes.parent_id ?? before.parent_id ?? 0])
      .whereRaw('lower(name) = lower(?)', [changes.name ?? before.name]).whereNot({ id }).first('id');
    if (clash) throw takenName(changes.name ?? before.name);
    const [row]: CategoryRow[] = await tx.db('courses_categories').where({ id }).update(changes).returning('*');
    if (parentId !== undefined) await placeCategory(req, tx.db, id, parentId);
    await coursesChanged(tx);
    await tx.audit({
      action: 'courses.category.update', target: { type: 'category', id },
      details: { ...(name !== undefined ? { name: { from: before.name, to: name } } : {}), ...(parentId !== undefined ? { parentId: { from: before.parent_id === null ? null : String(before.parent_id), to: parentId } } : {}) },
    });
    return row;
  });
}

/** Deletes a category that holds no categories and no courses (a 409 otherwise). */
export function deleteCategory(req: RouteRequest, id: string): Promise<void> {
  return req.transaction(async (tx) => {
    const before = await getCategory(tx.db, id);
    const [child, course] = await Promise.all([
      tx.db('courses_categories').where({ parent_id: id }).first('id'),
      tx.db('courses_courses').where({ category_id: id }).first('id'),
    ]);
    if (child || course) throw conflict(`category ${id} still holds ${child ? 'categories' : 'courses'}; move or delete them first`);
    await tx.db('courses_categories').where({ id }).delete();
    await req.resolve(CoreServices.permissions).removeContext(categoryContext(id), tx.db);
    await coursesChanged(tx);
    await tx.audit({ action: 'courses.category.delete', target: { type: 'category', id }, details: { name: before.name } });
  });
}
