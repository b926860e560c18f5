// Rebuilding the summary from the source: every course the courses plugin knows, with all its
// enrollments, and every cohort the auth plugin has, with its members. Rows of courses and cohorts that
// are gone are removed, and cohorts made before the plugin was installed are filled in. Started by an
// administrator (POST /api/v1/reports/rebuild, or `lectern reporting rebuild`) after restoring a backup,
// after an upgrade that adds to the summary, or to prove it: the result equals what the subscribers kept.
// Safe while the subscribers run: both write current state.
import { defineJob, defineRoute, JobAccepted, reply, Type, type CommandDef, type PluginContext, type SeedCounts, type SignedInRequest } from 'lectern';
import { CourseDirectoryRef } from 'lectern/courses';
import { AuthDirectory } from 'lectern/auth';
import { reportPermissions } from './permissions';
import { COURSES, courseReportsChanged, ENROLLMENTS, syncCourse } from './model/summary';

const PAGE = 500;
const MEMBERS = 'reporting_cohort_members';

export const rebuildSummary = defineJob({
  name: 'reporting.rebuild',
  payload: Type.Object({}),
  handler: (_payload, job) => rebuild(job),
});

/** The rebuild itself, also what `lectern seed` runs once the courses and auth plugins have seeded theirs. */
async function rebuild(job: PluginContext): Promise<{ courses: number; enrollments: number; cohorts: number }> {
  const courses = job.resolve(CourseDirectoryRef);
  const seen: string[] = [];
  let enrollments = 0;
  for (let after: string | undefined; ;) {
    const ids = await courses.courseIds({ afterId: after, limit: PAGE });
    for (const id of ids) enrollments += await syncCourse(job, id);
    seen.push(...ids);
    if (ids.length < PAGE) break;
    after = ids[ids.length - 1];
  }
  await job.db(ENROLLMENTS).whereRaw('not (course_id = any(?::bigint[]))', [seen]).delete();
  const gone: { course_id: string | number }[] = await job.db(COURSES).whereRaw('not (course_id = any(?::bigint[]))', [seen]).delete(['course_id']);
  await courseReportsChanged(job, gone.map((c) => String(c.course_id)));
  const cohorts = await rebuildCohorts(job);
  return { courses: seen.length, enrollments, cohorts };
}

/** `lectern seed`: the summary built from what the other plugins seeded, as the rebuild does. */
export async function seedSummary(_plan: unknown, ctx: PluginContext): Promise<SeedCounts> {
  const built = await rebuild(ctx);
  return { 'summary courses': built.courses, 'summary enrollments': built.enrollments, 'summary cohorts': built.cohorts };
}

async function rebuildCohorts(job: PluginContext): Promise<number> {
  const directory = job.resolve(AuthDirectory);
  const cohorts: string[] = [];
  for (let after: string | undefined; ;) {
    const ids = await directory.cohortIds({ after, limit: PAGE });
    cohorts.push(...ids);
    if (ids.length < PAGE) break;
    after = ids[ids.length - 1];
  }
  await job.db(MEMBERS).whereRaw('not (cohort_id = any(?::bigint[]))', [cohorts]).delete();
  for (const cohortId of cohorts) {
    const members: string[] = [];
    for (let after: string | undefined; ;) {
      const page = await directory.cohortMembers(cohortId, { after, limit: PAGE });
      members.push(...page);
      if (page.length < PAGE) break;
      after = page[page.length - 1];
    }
    await job.transaction(async (tx) => {
      await tx.db(MEMBERS).where({ cohort_id: cohortId }).delete();
      for (let i = 0; i < members.length; i += PAGE) {
        await tx.db(MEMBERS).insert(members.slice(i, i + PAGE).map((user_id) => ({ cohort_id: cohortId, user_id })));
      }
    });
  }
  return cohorts.length;
}

/** Queues the job, audited, in one transaction. */
const startRebuild = (req: SignedInRequest) => req.transaction(async (tx) => {
  const job = await tx.enqueue(rebuildSummary, {});
  await tx.audit({ action: 'reporting.rebuild', target: { type: 'job', id: job.id } });
  return job;
});

/** An administrator starts it from the API (a 202 with the job to follow) or the dashboard's button. */
export const rebuildRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/reports/rebuild', permission: reportPermissions.rebuild,
    summary: 'Rebuild the report summary from the courses and auth plugins (a job)', responses: { 202: JobAccepted },
    handler: async (req) => reply.accepted(await startRebuild(req)),
  }),
  defineRoute({
    method: 'POST', path: '/admin/reports/rebuild', permission: reportPermissions.rebuild, html: true, body: Type.Object({}),
    summary: 'Rebuild the report summary (form)',
    async handler(req) {
      await startRebuild(req);
      return reply.redirect('/admin/reports?done=rebuilding');
    },
  }),
];

/** `lectern reporting rebuild`: the same from the command line, e.g. right after `lectern restore`; a worker runs it. */
export const rebuildCommand: CommandDef = {
  name: 'reporting rebuild',
  description: 'Queue a rebuild of the report summary from the courses and auth plugins',
  async run(_args, ctx) {
    const job = await ctx.transaction(async (tx) => {
      const queued = await tx.enqueue(rebuildSummary, {});
      await tx.audit({ action: 'reporting.rebuild', target: { type: 'job', id: queued.id }, details: { via: 'cli' } });
      return queued;
    });
    process.stdout.write(`queued job ${job.id}: a worker rebuilds the report summary\n`);
  },
};
