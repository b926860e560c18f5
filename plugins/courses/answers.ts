// Answers kept in memory until what they were read from changes (changes.ts): the catalog, which every
// learner asks for in the same few pages while courses change seldom, and each person's own course list,
// which they open far more often than their enrollments change. A read is kept as a promise from the
// moment it starts, so concurrent requests share it, and a change drops it at once: a read that began
// before a change is never handed to a request that arrives after the change.
import { CoreServices, defineService, type PluginContext } from 'lectern';
import { COURSES_REVISION, LEARNERS_NOTICE } from './changes';

/** Promises grouped (one group per person, or one for the catalog), bounded, dropped by group or all at once. */
export class Answers {
  private groups = new Map<string, Map<string, Promise<unknown>>>();

  constructor(private readonly maxGroups: number, private readonly maxPerGroup: number) {}

  get<T>(group: string, key: string, read: () => Promise<T>): Promise<T> {
    let answers = this.groups.get(group);
    const hit = answers?.get(key);
    if (hit) return hit as Promise<T>;
    if (!answers) {
      if (this.groups.size >= this.maxGroups) this.groups.delete(this.groups.keys().next().value as string);
      answers = new Map();
      this.groups.set(group, answers);
    }
    if (answers.size >= this.maxPerGroup) answers.clear();
    const kept = answers;
    const value = read();
    kept.set(key, value);
    value.catch(() => { if (kept.get(key) === value) kept.delete(key); });
    return value;
  }

  /** Drops the named groups, or every group. */
  drop(groups?: readonly string[]): void {
    if (!groups) this.groups = new Map();
    else for (const group of groups) this.groups.delete(group);
  }
}

export class CourseAnswers {
  /** Catalog pages, keyed by the caller's visibility scopes and the query. */
  readonly catalog = new Answers(1, 2_000);
  /** Each person's enrollment rows (GET /api/v1/me/courses), keyed by user id, then by the query. */
  readonly learners = new Answers(20_000, 20);

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
