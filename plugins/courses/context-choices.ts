// Categories and courses as places to give someone a role: the auth plugin's "Assign a role" picker
// searches them by name (a category's name; a course's title or code), templates left out.
import { containsPattern, contribute } from 'lectern';
import { contextChoices } from 'lectern/auth';

export const courseContextChoices = [
  contribute(contextChoices, {
    type: 'category', label: 'Category',
    async search(query, limit, ctx) {
      const q = ctx.db('courses_categories').orderByRaw('lower(name), id').limit(limit).select('id', 'name');
      if (query.trim()) q.whereILike('name', containsPattern(query.trim()));
      const rows: { id: number; name: string }[] = await q;
      return rows.map((r) => ({ id: String(r.id), label: r.name }));
    },
  }),
  contribute(contextChoices, {
    type: 'course', label: 'Course',
    async search(query, limit, ctx) {
      const q = ctx.db('courses_courses').where({ is_template: false }).orderByRaw('lower(title), id').limit(limit).select('id', 'title', 'code');
      if (query.trim()) {
        const pattern = containsPattern(query.trim());
        q.where((w) => w.whereILike('title', pattern).orWhereILike('code', pattern));
      }
      const rows: { id: number; title: string; code: string | null }[] = await q;
      return rows.map((r) => ({ id: String(r.id), label: r.code ? `${r.title} (${r.code})` : r.title }));
    },
  }),
];
