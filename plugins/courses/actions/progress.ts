// Completing an item: one code path for the JSON API, the course page and the CourseProgress service other
// plugins resolve (the content plugin, when a learner opens an item). The completion goes to the batched
// writer (completions.ts) and what it found becomes the answer — 403 when the person is not enrolled as a
// learner, 404 for a draft, a template or an item of another course, 409 when the course is archived.
import { badRequest, conflict, forbidden, notFound, type PluginContext } from 'lectern';
import type { CourseProgress, ItemCompletionResult } from '../api';
import { CompletionWriterRef } from '../completions';
import { isId } from '../params';

type Input = Parameters<CourseProgress['completeItem']>[0];

const iso = (d: Date | string) => new Date(d).toISOString();

export async function completeItem(ctx: PluginContext, input: Input): Promise<ItemCompletionResult> {
  const { courseId, itemId, userId } = input;
  const score = input.score ?? null;
  const notEnrolled = () => forbidden(`You are not enrolled in course ${courseId} as a learner.`);
  // Enrollments belong to accounts with numeric ids (a caller from another identity provider has none), in courses with numeric ids.
  if (!isId(userId) || !isId(courseId)) throw notEnrolled();
  if (!isId(itemId)) throw notFound(`course ${courseId} has no item ${itemId}`);
  if (score !== null && !(score >= 0 && score <= 100)) throw badRequest('The score must be from 0 to 100.', [{ path: 'score', message: 'must be from 0 to 100' }]);
  const attempt = await ctx.resolve(CompletionWriterRef).complete({ courseId, userId, itemId, score }, input.ip ?? null);
  if (attempt.enrollment_id === null) throw notEnrolled();
  if (attempt.status === 'draft' || attempt.is_template) throw notFound(`course ${courseId} does not exist`);
  if (attempt.status === 'archived') throw conflict(`course ${courseId} is archived; its progress is closed`);
  if (!attempt.item_found) throw notFound(`course ${courseId} has no item ${itemId}`);
  const row = attempt.recorded ?? attempt.existing;
  if (!row) throw conflict('This item was being recorded at the same moment; try again.');
  return {
    recorded: attempt.recorded !== null, cycle: row.cycle, completedAt: iso(row.completed_at), score: row.score,
    courseCompletedAt: attempt.course_completed_at === null ? null : iso(attempt.course_completed_at),
  };
}

/** The CourseProgress service, bound in the manifest. */
export const createCourseProgress = (ctx: PluginContext): CourseProgress => ({ completeItem: (input) => completeItem(ctx, input) });
