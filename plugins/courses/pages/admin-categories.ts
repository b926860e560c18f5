// The category admin pages (courses:manage): /admin/categories shows the tree and creates a category
// under a chosen parent; /admin/categories/:id renames or moves one (a move into its own subtree is
// refused, as the API refuses it) and deletes an empty one; it lists the first page of the courses
// directly inside, linking to the course list filtered by it for the rest. Every POST goes through the same action
// as the JSON route (actions/categories.ts).
import { defineAdminPage, defineRoute, reply, Type, type PluginContext, type RouteRequest, Done, doneNotice, submitForm, filled } from 'lectern';
import { coursePermissions } from '../permissions';
import { CategoryParams, IdString } from '../params';
import { getCategory } from '../model/categories';
import { createCategory, deleteCategory, updateCategory } from '../actions/categories';
import { categoryTree } from './category-tree';
import { listCourses } from './listing';

const LIST_VIEW = 'courses/admin/categories';
const VIEW = 'courses/admin/category';
const NOTICES = { created: 'The category is created.', deleted: 'The category is deleted.', saved: 'The category is saved.' };
const CategoryForm = Type.Object({ name: Type.String({ maxLength: 200 }), parentId: Type.Union([Type.Literal(''), IdString]) });
const manage = { permission: coursePermissions.manage, html: true as const };

async function categoriesPage(ctx: PluginContext, done?: string): Promise<Record<string, unknown>> {
  return { title: 'Categories', ...(await categoryTree(ctx.db)), notice: doneNotice(NOTICES, done) };
}

/** One category with the form that edits it (its current values unless a sent form comes back). */
async function categoryPage(req: RouteRequest, id: string, done?: string): Promise<Record<string, unknown>> {
  const [category, tree, children, courses, inside] = await Promise.all([
    getCategory(req.db, id), categoryTree(req.db, id),
    req.db('courses_categories').where({ parent_id: id }).count({ n: '*' }).first(),
    req.db('courses_courses').where({ category_id: id }).count({ n: '*' }).first(),
    listCourses(req.db, '/admin/courses', { category: id }, () => undefined),
  ]);
  return {
    title: `Category: ${category.name}`, category: { id, name: category.name },
    parents: tree.options, children: Number(children?.n), courses: Number(courses?.n),
    courseList: inside.courses, moreCourses: inside.pager?.next ? `/admin/courses?category=${id}` : null,
    forms: { edit: { values: { name: category.name, parentId: category.parent_id === null ? '' : String(category.parent_id) } } },
    notice: doneNotice(NOTICES, done),
  };
}

export const categoriesListPage = defineAdminPage({
  path: '/admin/categories', title: 'Categories', permission: coursePermissions.manage, view: LIST_VIEW, query: Type.Object({ done: Done }),
  load: (req) => categoriesPage(req, req.query.done),
});

export const categoryPageRoutes = [
  defineRoute({
    ...manage, method: 'POST', path: '/admin/categories', body: CategoryForm, summary: 'Create a category (form)',
    async handler(req) {
      return submitForm(req, { view: LIST_VIEW, form: 'create', values: req.body, load: () => categoriesPage(req) }, async () => {
        await createCategory(req, { name: filled(req.body.name, 'name'), parentId: req.body.parentId || null });
        return reply.redirect('/admin/categories?done=created');
      });
    },
  }),

  defineRoute({
    ...manage, method: 'GET', path: '/admin/categories/:id', params: CategoryParams, query: Type.Object({ done: Done }), summary: 'One category (page)',
    async handler(req) {
      return req.page(VIEW, await categoryPage(req, req.params.id, req.query.done));
    },
  }),

  defineRoute({
    ...manage, method: 'POST', path: '/admin/categories/:id', params: CategoryParams, body: CategoryForm, summary: 'Rename or move a category (form)',
    async handler(req) {
      const { id } = req.params;
      return submitForm(req, { view: VIEW, form: 'edit', values: req.body, load: () => categoryPage(req, id) }, async () => {
        await updateCategory(req, id, { name: filled(req.body.name, 'name'), parentId: req.body.parentId || null });
        return reply.redirect(`/admin/categories/${id}?done=saved`);
      });
    },
  }),

  defineRoute({
    ...manage, method: 'POST', path: '/admin/categories/:id/delete', params: CategoryParams, summary: 'Delete an empty category (form)',
    async handler(req) {
      const { id } = req.params;
      return submitForm(req, { view: VIEW, form: 'delete', values: {}, load: () => categoryPage(req, id) }, async () => {
        await deleteCategory(req, id);
        return reply.redirect('/admin/categories?done=deleted');
      });
    },
  }),
];
