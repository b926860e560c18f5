// A person's data in the help center: the articles they wrote (kept when they are erased, without the
// link to them, since others still read them) and their "was this helpful" answers (exported, deleted).
import type { PluginContext, PrivacyProvider } from 'lectern';
import { ARTICLES, FEEDBACK } from './model';
import { helpChanged } from './page-index';

async function exportHelp(userId: string, ctx: PluginContext): Promise<Record<string, unknown>> {
  const [articles, feedback] = await Promise.all([
    ctx.db(ARTICLES).where({ author_id: userId }).orderBy('id').select('id', 'slug', 'title', 'created_at', 'updated_at'),
    ctx.db(`${FEEDBACK} as f`).join(`${ARTICLES} as a`, 'a.id', 'f.article_id').where('f.user_id', userId).orderBy('f.article_id')
      .select('f.article_id', 'a.title', 'f.helpful', 'f.comment', 'f.created_at', 'f.updated_at'),
  ]);
  return { helpArticlesWritten: articles, helpFeedback: feedback };
}

async function eraseHelp(userId: string, ctx: PluginContext): Promise<void> {
  await ctx.transaction(async (tx) => {
    await tx.db(ARTICLES).where({ author_id: userId }).update({ author_id: null });
    await tx.db(FEEDBACK).where({ user_id: userId }).delete();
    await tx.audit({ action: 'support.help.erase', target: { type: 'user', id: userId } });
    await helpChanged(tx);
  });
}

export const helpPrivacy: PrivacyProvider = { tables: [ARTICLES, FEEDBACK], export: exportHelp, erase: eraseHelp };
