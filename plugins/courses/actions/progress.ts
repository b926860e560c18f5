// Completing an item, shared by the JSON API and the course page: the learner's completion goes to the
// batched writer (completions.ts) and what it found becomes the answer — 403 when they are not enrolled
// as a learner, 404 for a draft, a template or an item of another course, 409 when the course is archived.
import { conflict, forbidden, notFound, type SignedInRequest } from 'lectern';
import { CompletionWriterRef } from '../completions';
import type { Attempt } from '../model/progress';
import { isId } from '../params';

export async function completeItem(req: SignedInRequest, courseId: string, itemId: string, score: number | null): Promise<Attempt> {
  const userId = req.principal.id;
  const notEnrolled = () => forbidden(`You are not enrolled in course ${courseId} as a learner.`);
  // Enrollments belong to accounts with numeric ids; a caller from another identity provider has none.
  if (!isId(userId)) throw notEnrolled();
  const attempt = await req.resolve(CompletionWriterRef).complete({ courseId, userId, itemId, score }, req.ip);
  if (attempt.enrollment_id === null) throw notEnrolled();
  if (attempt.status === 'draft' || attempt.is_template) throw notFound(`course ${courseId} does not exist`);
  if (attempt.status === 'archived') throw conflict(`course ${courseId} is archived; its progress is closed`);
  if (!attempt.item_found) throw notFound(`course ${courseId} has no item ${itemId}`);
  return attempt;
}
