// CSV enrollment import (text/csv: email[,role][,dueAt]): the file is checked and staged as it streams
// in, all in one transaction, so a wrong header, bad encoding, malformed CSV or too large a file stages
// nothing (4xx); then a job enrolls the rows (202, result { enrolled, updated, failed: [{ line, error }] }).
import { badRequest, defineRoute, payloadTooLarge, reply } from 'lectern';
import { coursePermissions } from '../permissions';
import { courseSettings } from '../settings';
import { CourseParams, inCourse } from '../params';
import { getCourse } from '../model/courses';
import { assertEnrollable } from '../model/enrollments';
import { enrollmentCsv } from '../import/csv';
import { importEnrollments } from '../import/job';

export const importRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/enrollments/import', permission: coursePermissions.enroll, context: inCourse, params: CourseParams,
    rawBody: { types: ['text/csv'] }, summary: 'Enroll from a CSV file (a job)',
    async handler(req) {
      const { id } = req.params;
      const { importMaxBytes } = await req.settings(courseSettings);
      if (Number(req.koa.get('content-length') || 0) > importMaxBytes) throw payloadTooLarge(`The CSV is larger than ${importMaxBytes} bytes.`);
      const importId = await req.transaction(async (tx) => {
        assertEnrollable(await getCourse(tx.db, id));
        const [imp]: { id: number }[] = await tx.db('courses_imports').insert({ course_id: id }).returning('id');
        let total = 0;
        for await (const batch of enrollmentCsv(req.koa.req, importMaxBytes)) {
          await tx.db('courses_import_rows').insert(batch.map((r) => ({ import_id: imp.id, line: r.line, email: r.email, role: r.role, due_at: r.dueAt })));
          total += batch.length;
        }
        if (!total) throw badRequest('The CSV has a header but no rows.');
        await tx.db('courses_imports').where({ id: imp.id }).update({ total_rows: total });
        await tx.audit({ action: 'courses.import.start', target: { type: 'course', id }, details: { importId: String(imp.id), rows: total } });
        return String(imp.id);
      });
      return reply.accepted(await req.enqueue(importEnrollments, { importId }));
    },
  }),
];
