// CSV enrollment import (text/csv: email[,role][,dueAt]): the file is received whole and checked first
// (the core's receiveCsv), so a wrong header, bad encoding, malformed CSV or too large a file stages
// nothing (4xx) and a slow upload holds no database connection; then the rows are staged in one
// transaction together with the job that enrolls them (202, result { enrolled, updated, failed: [{ line, error }] }),
// so the job the answer names exists as soon as the rows do. The job enrolls for the uploader: only accounts
// they may enroll (model/users.ts).
import { batches, defineRoute, JobAccepted, receiveCsv, reply } from 'lectern';
import { coursePermissions } from '../permissions';
import { courseSettings } from '../settings';
import { CourseParams, inCourse } from '../params';
import { getCourse } from '../model/courses';
import { assertEnrollable } from '../model/enrollments';
import { ENROLLMENT_CSV, enrollmentRows } from '../import/csv';
import { importEnrollments } from '../import/job';

const STAGE_BATCH = 1000;

export const importRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/enrollments/import', permission: coursePermissions.enroll, context: inCourse, params: CourseParams,
    rawBody: { types: ['text/csv'] }, summary: 'Enroll from a CSV file (a job)', responses: { 202: JobAccepted }, errors: [409],
    async handler(req) {
      const { id } = req.params;
      const { importMaxBytes, importIdleSeconds } = await req.settings(courseSettings);
      const limits = { maxBytes: importMaxBytes, limitName: 'the courses setting importMaxBytes', idleTimeoutMs: importIdleSeconds * 1000 };
      const file = await receiveCsv(req, limits, ENROLLMENT_CSV);
      const rows = enrollmentRows(file);
      const job = await req.transaction(async (tx) => {
        assertEnrollable(await getCourse(tx.db, id));
        const [imp]: { id: number }[] = await tx.db('courses_imports').insert({ course_id: id, total_rows: rows.length }).returning('id');
        for (const batch of batches(rows, STAGE_BATCH)) {
          await tx.db('courses_import_rows').insert(batch.map((r) => ({ import_id: imp.id, line: r.line, email: r.email, role: r.role, due_at: r.dueAt })));
        }
        await tx.audit({ action: 'courses.import.start', target: { type: 'course', id }, details: { importId: String(imp.id), rows: rows.length } });
        return tx.enqueue(importEnrollments, { importId: String(imp.id), requestedBy: req.principal.id });
      });
      return reply.accepted(job);
    },
  }),
];
