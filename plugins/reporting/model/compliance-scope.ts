// Which courses the compliance report covers, and where its permission is checked, for the route and for
// scheduled deliveries alike: one course (checked at the course), a category with every category beneath
// it (at the category, so a reporter granted there reads it), or every course (at the system level).
// Given both, the course must lie in the category or beneath it (a 400 otherwise) and the report is that
// course's, checked at the course.
import { badRequest, notFound, SYSTEM, type ContextRef, type PluginContext } from 'lectern';
import { CourseDirectoryRef } from 'lectern/courses';
import { COURSES } from './summary';

export interface ComplianceScope { courseId?: string; categoryId?: string }

export const complianceContext = (s: ComplianceScope): ContextRef =>
  (s.courseId ? { type: 'course', id: s.courseId } : s.categoryId ? { type: 'category', id: s.categoryId } : SYSTEM);

/**
 * The categories whose courses the report covers (undefined when it is not limited to a category). `at`
 * is where the parameters came from: `query` (an unknown category is a 404) or `body.params` (a 400
 * naming the field).
 */
export async function complianceCategories(ctx: Pick<PluginContext, 'readDb' | 'resolve'>, s: ComplianceScope, at: 'query' | 'body.params'): Promise<string[] | undefined> {
  if (!s.categoryId) return undefined;
  const field = `${at}.categoryId`;
  const ids = await ctx.resolve(CourseDirectoryRef).categoryWithDescendants(s.categoryId);
  if (!ids) {
    const detail = `category ${s.categoryId} does not exist`;
    throw at === 'query' ? notFound(detail) : badRequest(detail, [{ path: field, message: 'is not a category' }]);
  }
  if (s.courseId) {
    const course: { category_id: string | number | null } | undefined = await ctx.readDb(COURSES).where({ course_id: s.courseId }).first('category_id');
    if (!course || course.category_id === null || !ids.includes(String(course.category_id))) {
      throw badRequest(`course ${s.courseId} is not in category ${s.categoryId} or beneath it`, [{ path: field, message: `does not hold course ${s.courseId}` }]);
    }
  }
  return ids;
}
