// The enrollment import job: works through the staged rows of one import in batches, each batch in one
// transaction that also records how far it got and what it counted, so a job killed midway resumes where
// it stopped and a job run twice changes nothing. A bad row is a `{ line, error }`, never a stop; so is an
// email of an account the uploader may not enroll, with the same error as an email of no account.
import { CoreServices, defineJob, Type, type JobContext, type Principal } from 'lectern';
import { IdString } from '../params';
import { assertEnrollable, enroll, type EnrollOutcome } from '../model/enrollments';
import { getCourse } from '../model/courses';
import { enrollableByEmail, refusal } from '../model/users';
import type { EnrollmentRole } from '../api';
import type { DirectoryUser } from 'lectern/auth';

const BATCH = 500;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

interface ImportRow { id: number; course_id: number; total_rows: number; done_rows: number; done_through_line: number; enrolled: number; updated: number; failed: LineError[]; finished_at: Date | null }
interface StagedRow { line: number; email: string; role: string | null; due_at: string | null }
interface LineError { line: number; error: string }
/** An empty dueAt keeps the due date an enrollment has. */
type Checked = { userId: string; role: EnrollmentRole; dueAt: Date | undefined } | { error: string };

function check(row: StagedRow, user: DirectoryUser | undefined): Checked {
  if (!row.email) return { error: 'email is empty' };
  const why = refusal(user);
  if (why) return { error: why === 'out of reach' ? 'no account you can enroll has this email' : 'the user is deactivated' };
  const role = (row.role ?? 'learner').toLowerCase();
  if (role !== 'learner' && role !== 'instructor') return { error: 'role must be learner or instructor' };
  const dueAt = row.due_at === null ? undefined : new Date(row.due_at);
  if (dueAt && (!ISO_DATE.test(row.due_at as string) || Number.isNaN(dueAt.getTime()))) return { error: 'dueAt must be an ISO 8601 date, e.g. 2030-01-31' };
  return { userId: (user as DirectoryUser).id, role, dueAt };
}

const resultOf = (imp: ImportRow) => ({ enrolled: imp.enrolled, updated: imp.updated, failed: imp.failed });

/** Processes the next batch; false when there was none left. */
async function nextBatch(job: JobContext, imp: ImportRow, uploader: Principal): Promise<boolean> {
  const rows: StagedRow[] = await job.db('courses_import_rows').where({ import_id: imp.id }).where('line', '>', imp.done_through_line)
    .orderBy('line').limit(BATCH).select('line', 'email', 'role', 'due_at');
  if (!rows.length) return false;
  assertEnrollable(await getCourse(job.db, String(imp.course_id)));
  const users = await enrollableByEmail(job, uploader, rows.map((r) => r.email));
  const engine = job.resolve(CoreServices.permissions);
  await job.transaction(async (tx) => {
    const current: ImportRow = await tx.db('courses_imports').where({ id: imp.id }).forUpdate().first();
    if (current.done_through_line !== imp.done_through_line) return;
    const counts: Record<EnrollOutcome, number> = { enrolled: 0, updated: 0, unchanged: 0 };
    const failed: LineError[] = [];
    for (const row of rows) {
      const checked = check(row, users.get(row.email.trim().toLowerCase()));
      if ('error' in checked) {
        failed.push({ line: row.line, error: checked.error });
        continue;
      }
      const { outcome } = await enroll(tx, engine, {
        courseId: String(imp.course_id), userId: checked.userId, role: checked.role, source: 'import', dueAt: checked.dueAt, overwrite: true,
      }, job.now());
      counts[outcome] += 1;
    }
    await tx.db('courses_imports').where({ id: imp.id }).update({
      done_through_line: rows[rows.length - 1].line, done_rows: current.done_rows + rows.length, enrolled: current.enrolled + counts.enrolled, updated: current.updated + counts.updated,
      failed: JSON.stringify([...current.failed, ...failed]),
    });
  });
  return true;
}

/** Marks the import finished and drops its staged rows (they hold email addresses). */
async function finish(job: JobContext, imp: ImportRow): Promise<void> {
  await job.transaction(async (tx) => {
    const n = await tx.db('courses_imports').where({ id: imp.id }).whereNull('finished_at').update({ finished_at: job.now() });
    if (!n) return;
    await tx.db('courses_import_rows').where({ import_id: imp.id }).delete();
    await tx.audit({
      action: 'courses.import.finish', target: { type: 'course', id: String(imp.course_id) },
      details: { importId: String(imp.id), enrolled: imp.enrolled, updated: imp.updated, failed: imp.failed.length },
    });
  });
}

export const importEnrollments = defineJob({
  name: 'courses.importEnrollments',
  payload: Type.Object({ importId: IdString, requestedBy: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
  async handler({ importId, requestedBy }, job) {
    for (;;) {
      const imp: ImportRow | undefined = await job.db('courses_imports').where({ id: importId }).first();
      if (!imp) throw new Error(`import ${importId} does not exist (its course was deleted?)`);
      if (imp.finished_at) return resultOf(imp);
      if (imp.total_rows) await job.progress((imp.done_rows * 100) / imp.total_rows);
      if (!(await nextBatch(job, imp, { id: requestedBy }))) await finish(job, imp);
    }
  },
});
