// The two signals that the plugin's answers kept in memory (answers.ts) are out of date. Call them in
// the transaction that makes the change: this instance drops the answers when it commits, every other
// instance within milliseconds (the core's change notices).
import { CoreServices, type TransactionContext } from 'lectern';

export const COURSES_REVISION = 'courses.courses';
export const LEARNERS_NOTICE = 'courses.learners';

/** A course or category changed: anything the catalog shows, or a course's items (every learner's counts). */
export async function coursesChanged(tx: TransactionContext): Promise<void> {
  await tx.resolve(CoreServices.revisions).bump(COURSES_REVISION, tx.db);
}

/** These people's enrollments changed: enrolled, unenrolled, progress, due date, a new cycle, erased. */
export async function learnersChanged(tx: TransactionContext, userIds: string[]): Promise<void> {
  await tx.resolve(CoreServices.revisions).touch(LEARNERS_NOTICE, userIds, tx.db);
}
