// A course's completion report pages (summary and rows) kept in memory, for instructors and reporters
// who open the same first pages again and again: until the course's summary rows change (model/summary.ts
// sends the notice, which reaches every instance) or until time alone would change a status (a due date
// passes; see SummaryRead). Reports filtered by cohort are read afresh: memberships change apart.
import { Answers, CoreServices, defineService, type PluginContext, type RouteRequest } from 'lectern';
import { completionPage, type CompletionFilter, type CompletionPage, type CompletionPageOptions } from './model/completion';
import { COURSE_REPORTS_NOTICE } from './model/summary';

const stillRight = (page: CompletionPage | null, now: Date) => {
  if (!page) return true;
  const { after, until } = page.stable;
  return (after === null || now > after) && (until === null || now <= until);
};

export class CompletionAnswers {
  private readonly pages = new Answers(2_000, 16);

  constructor(ctx: PluginContext) {
    ctx.resolve(CoreServices.revisions).on(COURSE_REPORTS_NOTICE, (courseIds) => this.pages.drop(courseIds));
  }

  async page(db: RouteRequest['db'], f: CompletionFilter, options: CompletionPageOptions): Promise<CompletionPage | null> {
    if (f.cohortId) return completionPage(db, f, options);
    const key = JSON.stringify([f.status, options]);
    const read = () => this.pages.get(f.courseId, key, () => completionPage(db, f, options));
    const kept = await read();
    if (stillRight(kept, f.now)) return kept;
    this.pages.drop([f.courseId]);
    return read();
  }
}

export const CompletionAnswersRef = defineService<CompletionAnswers>('reporting.completionAnswers');
