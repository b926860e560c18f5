// Export and erasure of what courses store about a person: enrollments, item progress and completions
// (and email addresses in CSV imports still being processed). Erasure keeps the enrollments, progress and
// completions — they hold nothing that names the person (ids, dates, scores; the account they point to is
// anonymized by auth), and completion figures must stay true — and removes the emails in pending imports.
// The role assignments enrollment gave are the core's to erase.
import type { PrivacyProvider } from 'lectern';
import { isId } from './params';
import { directory } from './model/users';
import { learnersChanged } from './changes';

export const coursePrivacy: PrivacyProvider = {
  tables: ['courses_enrollments', 'courses_progress', 'courses_completions', 'courses_import_rows'],
  async export(userId, ctx) {
    if (!isId(userId)) return {};
    const [enrollments, progress, completions] = await Promise.all([
      ctx.db('courses_enrollments as e').join('courses_courses as c', 'c.id', 'e.course_id').where('e.user_id', userId)
        .select('c.code', 'c.title', 'e.role', 'e.source', 'e.status', 'e.cycle', 'e.enrolled_at', 'e.due_at', 'e.completed_at', 'e.unenrolled_at').orderBy('e.id'),
      ctx.db('courses_progress as p').join('courses_enrollments as e', 'e.id', 'p.enrollment_id').join('courses_items as i', 'i.id', 'p.item_id')
        .join('courses_courses as c', 'c.id', 'e.course_id').where('e.user_id', userId)
        .select('c.code', 'i.title as item', 'p.cycle', 'p.completed_at', 'p.score').orderBy('p.completed_at'),
      ctx.db('courses_completions as k').join('courses_courses as c', 'c.id', 'k.course_id').where('k.user_id', userId)
        .select('c.code', 'c.title', 'k.cycle', 'k.completed_at', 'k.expires_at', 'k.expired_at').orderBy('k.id'),
    ]);
    return { enrollments, progress, completions };
  },
  async erase(userId, ctx) {
    if (!isId(userId)) return;
    const user = await directory(ctx).user(userId);
    await ctx.transaction(async (tx) => {
      if (user) await tx.db('courses_import_rows').whereRaw('lower(email) = lower(?)', [user.email]).delete();
      await learnersChanged(tx, [userId]);
      await tx.audit({ action: 'courses.user.erase', target: { type: 'user', id: userId } });
    });
  },
};
