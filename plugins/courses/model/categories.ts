// Categories: nested folders of courses, each also a permission context beneath its parent, so a role
// assigned at a category applies to every course and category below it.
import { badRequest, CoreServices, notFound, SYSTEM, type ContextRef, type Knex, type PluginContext } from 'lectern';

export interface CategoryRow { id: number; name: string; parent_id: number | null; created_at: Date; updated_at: Date }
export interface Category { id: string; name: string; parentId: string | null; createdAt: string; updatedAt: string }

export const toCategory = (r: CategoryRow): Category => ({
  id: String(r.id), name: r.name, parentId: r.parent_id === null ? null : String(r.parent_id),
  createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
});

export const categoryContext = (id: string | number | null): ContextRef => (id === null ? SYSTEM : { type: 'category', id: String(id) });

export async function getCategory(db: Knex, id: string): Promise<CategoryRow> {
  const row = await db('courses_categories').where({ id }).first();
  if (!row) throw notFound(`category ${id} does not exist`);
  return row;
}

/** A category given as a parent or a course's category: it must exist (a 400 naming the field otherwise). */
export async function assertCategory(db: Knex, id: string, field: string): Promise<void> {
  if (!(await db('courses_categories').where({ id }).first('id'))) throw badRequest(`category ${id} does not exist`, [{ path: field, message: 'is not a category' }]);
}

/** Refuses a parent that is the category itself or lies beneath it. Moves are serialized, so two cannot make a cycle together. */
export async function assertNoCycle(db: Knex, id: string, parentId: string): Promise<void> {
  await db.raw('select pg_advisory_xact_lock(hashtext(?))', ['courses.categories.move']);
  const { rows } = await db.raw(`with recursive up(id, parent_id) as (
      select id, parent_id from courses_categories where id = ?
      union all select c.id, c.parent_id from courses_categories c join up on c.id = up.parent_id)
    select 1 from up where id = ? limit 1`, [parentId, id]) as { rows: unknown[] };
  if (rows.length) throw badRequest(`category ${parentId} is category ${id} or lies beneath it: categories cannot form a cycle`, [{ path: 'body.parentId', message: 'would make a cycle' }]);
}

/** Registers (or moves) the category's permission context under its parent. */
export function placeCategory(ctx: PluginContext, db: Knex, id: string, parentId: string | null): Promise<void> {
  return ctx.resolve(CoreServices.permissions).setContext(categoryContext(id), categoryContext(parentId), db);
}
