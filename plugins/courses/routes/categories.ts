// Categories: anyone signed in may read the tree (as a flat, paginated list with parent ids); managers
// create, rename, move (never into a cycle) and delete empty ones. Each change moves the category's
// permission context with it.
import { conflict, CoreServices, defineRoute, pageQuery, reply, Type } from 'lectern';
import { coursePermissions } from '../permissions';
import { CategoryParams, IdString } from '../params';
import { decodeCursor, page } from '../cursor';
import { assertCategory, assertNoCycle, categoryContext, getCategory, placeCategory, toCategory, type CategoryRow } from '../model/categories';

const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const takenName = (name: string) => conflict(`a category named "${name}" already exists there`);

export const categoryRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/categories', authenticated: true, summary: 'Every category, with its parent',
    query: Type.Object({ parentId: Type.Optional(IdString), ...pageQuery }),
    async handler(req) {
      const q = req.db('courses_categories').orderBy('id').limit(req.query.limit + 1);
      if (req.query.parentId) q.where('parent_id', req.query.parentId);
      if (req.query.cursor) q.where('id', '>', decodeCursor(req.query.cursor, 1)[0]);
      return page(await q as CategoryRow[], req.query.limit, toCategory, (r) => [r.id]);
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/categories', permission: coursePermissions.manage, summary: 'Create a category',
    body: Type.Object({ name: Name, parentId: Type.Optional(Type.Union([IdString, Type.Null()])) }, { additionalProperties: false }),
    async handler(req) {
      const name = req.body.name.trim();
      const parentId = req.body.parentId ?? null;
      const created = await req.transaction(async (tx) => {
        if (parentId) await assertCategory(tx.db, parentId, 'body.parentId');
        const [row]: CategoryRow[] = await tx.db('courses_categories').insert({ name, parent_id: parentId })
          .onConflict(tx.db.raw('(coalesce(parent_id, 0), lower(name))')).ignore().returning('*');
        if (!row) throw takenName(name);
        await placeCategory(req, tx.db, String(row.id), parentId);
        await tx.audit({ action: 'courses.category.create', target: { type: 'category', id: String(row.id) }, details: { name, parentId } });
        return toCategory(row);
      });
      return reply.created(created);
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/categories/:id', permission: coursePermissions.manage, params: CategoryParams, summary: 'Rename or move a category',
    body: Type.Object({ name: Type.Optional(Name), parentId: Type.Optional(Type.Union([IdString, Type.Null()])) }, { additionalProperties: false, minProperties: 1 }),
    async handler(req) {
      const { id } = req.params;
      const { parentId } = req.body;
      const name = req.body.name?.trim();
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
        await tx.audit({
          action: 'courses.category.update', target: { type: 'category', id },
          details: { ...(name !== undefined ? { name: { from: before.name, to: name } } : {}), ...(parentId !== undefined ? { parentId: { from: before.parent_id === null ? null : String(before.parent_id), to: parentId } } : {}) },
        });
        return toCategory(row);
      });
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/categories/:id', permission: coursePermissions.manage, params: CategoryParams, summary: 'Delete an empty category',
    async handler(req) {
      const { id } = req.params;
      await req.transaction(async (tx) => {
        const before = await getCategory(tx.db, id);
        const [child, course] = await Promise.all([
          tx.db('courses_categories').where({ parent_id: id }).first('id'),
          tx.db('courses_courses').where({ category_id: id }).first('id'),
        ]);
        if (child || course) throw conflict(`category ${id} still holds ${child ? 'categories' : 'courses'}; move or delete them first`);
        await tx.db('courses_categories').where({ id }).delete();
        await req.resolve(CoreServices.permissions).removeContext(categoryContext(id), tx.db);
        await tx.audit({ action: 'courses.category.delete', target: { type: 'category', id }, details: { name: before.name } });
      });
      return reply.noContent();
    },
  }),
];
