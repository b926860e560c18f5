// GET /api/v1/reports/learners/:userId/transcript (API.md "Reporting"): every course a person was enrolled
// in, with each completion of each recertification cycle and its expiry. The person themselves, or
// reports:view at the system level; anyone else gets 404, as if the person did not exist.
import { defineRoute, notFound, Type, type SignedInRequest } from 'lectern';
import { AuthDirectory } from 'lectern/auth';
import { CourseDirectoryRef } from 'lectern/courses';
import { reportPermissions } from '../permissions';
import { IdString, Transcript } from '../schemas';

export async function transcriptOf(req: SignedInRequest, userId: string) {
  if (userId !== req.principal.id && !(await req.can(reportPermissions.view))) throw notFound(`user ${userId} does not exist`);
  const person = await req.resolve(AuthDirectory).user(userId);
  if (!person) throw notFound(`user ${userId} does not exist`);
  const entries = await req.resolve(CourseDirectoryRef).transcript(userId);
  return {
    user: { id: person.id, name: person.name, email: person.email },
    courses: entries.map(({ course, enrollment, completions }) => ({
      courseId: course.id, title: course.title, code: course.code, role: enrollment.role, status: enrollment.status, cycle: enrollment.cycle,
      enrolledAt: enrollment.enrolledAt, dueAt: enrollment.dueAt, completedAt: enrollment.completedAt, expiresAt: enrollment.expiresAt, completions,
    })),
  };
}

export const transcriptRoute = defineRoute({
  method: 'GET', path: '/api/v1/reports/learners/:userId/transcript', authenticated: true, params: Type.Object({ userId: IdString }),
  summary: "A person's transcript: every course, each completion of each cycle and its expiry (the person, or reports:view)",
  responses: { 200: Transcript },
  handler: (req) => transcriptOf(req, req.params.userId),
});
