// A person's data in the content plugin. Authored content stays — it is the organization's material,
// and the audit trail records who changed it — but erasure removes the person from it (owner, author,
// submitter and reviewer become unknown) and deletes their views, which are their learning activity.
import type { PluginContext, PrivacyProvider } from 'lectern';
import { ITEMS, VERSIONS, VIEWS } from './model/rows';

async function exportContent(userId: string, ctx: PluginContext): Promise<Record<string, unknown>> {
  const [owned, versions, views] = await Promise.all([
    ctx.db(ITEMS).where({ owner_id: userId }).orderBy('id').select('id', 'type', 'title', 'created_at'),
    ctx.db(VERSIONS).where((w) => w.where({ author_id: userId }).orWhere({ submitted_by: userId }).orWhere({ reviewed_by: userId }))
      .orderBy(['item_id', 'number']).select('item_id', 'number', 'title', 'note', 'author_id', 'submitted_by', 'reviewed_by', 'created_at', 'submitted_at', 'reviewed_at', 'review_outcome', 'reject_reason'),
    ctx.db(VIEWS).where({ user_id: userId }).orderBy(['day', 'id'])
      .select('item_id', 'version', 'course_id', 'course_item_id', 'day', 'watched_percent', 'first_at', 'completed_at'),
  ]);
  return { ownedContent: owned, versions, views };
}

async function eraseContent(userId: string, ctx: PluginContext): Promise<void> {
  await ctx.transaction(async (tx) => {
    const views = await tx.db(VIEWS).where({ user_id: userId }).delete();
    const owned = await tx.db(ITEMS).where({ owner_id: userId }).update({ owner_id: null });
    for (const column of ['author_id', 'submitted_by', 'reviewed_by']) await tx.db(VERSIONS).where(column, userId).update({ [column]: null });
    await tx.audit({ action: 'content.erase', target: { type: 'user', id: userId }, details: { views, owned } });
  });
}

export const contentPrivacy: PrivacyProvider = { tables: [ITEMS, VERSIONS, VIEWS], export: exportContent, erase: eraseContent };
