// Answers kept in memory until what they were read from changes (changes.ts): the catalog, which every
// learner asks for in the same few pages while courses change seldom, and each person's own course list,
// which they open far more often than their enrollments change (the core's Answers: a change drops them at once).
import { Answers, CoreServices, defineService, type PluginContext } from 'lectern';
import { COURSES_REVISION, LEARNERS_NOTICE } from './changes';

export class CourseAnswers {
  /** Catalog pages (up to 200 courses each), keyed by the caller's visibility scopes and the query. */
  readonly catalog = new Answers(500, 500);
  /** Each person's enrollment rows (GET /api/v1/me/courses) and the course items they open, keyed by user id, then by the query or item. */
  readonly learners = new Answers(5_000, 16);

  constructor(ctx: PluginContext) {
    const revisions = ctx.resolve(CoreServices.revisions);
    revisions.on(COURSES_REVISION, () => {
      this.catalog.drop();
      this.learners.drop();
    });
    revisions.on(LEARNERS_NOTICE, (userIds) => this.learners.drop(userIds));
  }
}

export const CourseAnswersRef = defineService<CourseAnswers>('courses.answers');
