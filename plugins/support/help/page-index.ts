// Which articles explain which page, kept in memory so "Help for this page" costs no query per page view:
// read at first use and again at every change notice (helpChanged, bumped in the transaction of each
// change to an article, so every instance reads it again within moments). The core asks it through its
// pageHelp extension point with the page's route pattern and the viewer.
import { CoreServices, defineService, type PageHelp, type PluginContext, type TransactionContext } from 'lectern';
import { ARTICLES } from './model';
import { canSee, viewerOf } from './viewer';

export const HELP_REVISION = 'support.help';
/** At most this many links on one page. */
const LINKS_PER_PAGE = 3;

interface Entry { slug: string; title: string; roles: string[]; published: boolean }

export class PageIndex {
  private current: Promise<Map<string, Entry[]>> | undefined;

  constructor(private readonly ctx: PluginContext) {
    ctx.resolve(CoreServices.revisions).on(HELP_REVISION, async () => {
      const reading = this.read();
      this.current = reading;
      await reading.catch(() => undefined);
    });
  }

  /** The articles naming `route` among their pages, by title. */
  async forPage(route: string): Promise<Entry[]> {
    this.current ??= this.read();
    return (await this.current).get(route) ?? [];
  }

  private read(): Promise<Map<string, Entry[]>> {
    const reading = this.ctx.db(ARTICLES).whereRaw(`pages <> '[]'::jsonb`).orderBy([{ column: 'title' }, { column: 'id' }])
      .select('slug', 'title', 'roles', 'pages', 'published')
      .then((rows: (Entry & { pages: string[] })[]) => {
        const byPage = new Map<string, Entry[]>();
        for (const { pages, ...entry } of rows) for (const page of pages) byPage.set(page, [...(byPage.get(page) ?? []), entry]);
        return byPage;
      }, (err: unknown) => {
        // The next page view reads again.
        if (this.current === reading) this.current = undefined;
        throw err;
      });
    return reading;
  }
}

export const PageIndexRef = defineService<PageIndex>('support.pageIndex');

/** An article changed: every instance reads the index again once `tx` commits. */
export async function helpChanged(tx: TransactionContext): Promise<void> {
  await tx.resolve(CoreServices.revisions).bump(HELP_REVISION, tx.db);
}

/** The core's "Help for this page": the articles about this route the viewer may read. */
export const helpForPages: PageHelp = {
  async links(route, viewer, ctx) {
    if (!viewer) return [];
    // A page is shown without its help links rather than not at all.
    const entries = await ctx.resolve(PageIndexRef).forPage(route).catch((err: unknown) => {
      ctx.log.warn({ err }, 'could not read which help articles explain which page');
      return [];
    });
    if (!entries.length) return [];
    const reader = await viewerOf(ctx, viewer);
    return entries.filter((e) => canSee(reader, e)).slice(0, LINKS_PER_PAGE).map((e) => ({ title: e.title, path: `/help/${e.slug}` }));
  },
};
