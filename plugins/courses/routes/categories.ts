// Categories: anyone signed in may read the tree (as a flat, paginated list with parent ids); managers
// create, rename, move (never into a cycle) and delete empty ones. Each change moves the category's
// permission context with it.
import { defineRoute, reply, Type } from 'lectern';
import { coursePermissions } from '../permissions';
import { CategoryParams, IdString } from '../params';
import { byId } from '../cursors';
import { toCategory, type CategoryRow } from '../model/categories';
import { createCategory, deleteCategory, updateCategory } from '../actions/categories';
import { Category, CategoryPage } from '../schemas';

const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });

export const categoryRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/categories', authenticated: true, summary: 'Every category, with its parent',
    query: Type.Object({ parentId: Type.Optional(IdString), ...byId.query }), responses: { 200: CategoryPage },
    async handler(req) {
      const q = req.db('courses_categories').orderBy('id').limit(req.query.limit + 1);
      if (req.query.parentId) q.where('parent_id', req.query.parentId);
      if (req.query.cursor) q.where('id', '>', req.query.cursor[0]);
      return byId.page(await q as CategoryRow[], req.query.limit, toCategory, (r) => [Number(r.id)]);
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/categories', permission: coursePermissions.manage, summary: 'Create a category',
    body: Type.Object({ name: Name, parentId: Type.Optional(Type.Union([IdString, Type.Null()])) }, { additionalProperties: false }),
    responses: { 201: Category }, errors: [409],
    async handler(req) {
      return reply.created(toCategory(await createCategory(req, req.body)));
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/categories/:id', permission: coursePermissions.manage, params: CategoryParams, summary: 'Rename or move a category',
    body: Type.Object({ name: Type.Optional(Name), parentId: Type.Optional(Type.Union([IdString, Type.Null()])) }, { additionalProperties: false, minProperties: 1 }),
    responses: { 200: Category }, errors: [409],
    async handler(req) {
      return toCategory(await updateCategory(req, req.params.id, req.body));
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/categories/:id', permission: coursePermissions.manage, params: CategoryParams, summary: 'Delete an empty category',
    responses: { 204: null }, errors: [409],
    async handler(req) {
      await deleteCategory(req, req.params.id);
      return reply.noContent();
    },
  }),
];
