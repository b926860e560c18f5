// The privacy plugin's own personal data: the requests about a person (exported as they are) and their
// policy acceptances (policies/privacy.ts). Erasure keeps each request about them as the record that it was made and carried out, with nothing personal
// but their opaque id: a rejection's reason goes, and so do export bundles (the files and their keys);
// requests they made or decided about others no longer name them.
import { CoreServices, type PrivacyProvider } from 'lectern';
import { REQUESTS, toRequest, type RequestRow } from './requests/model';
import { erasePolicies, exportPolicies, policyTables } from './policies/privacy';

const isId = (v: string) => /^[0-9]{1,18}$/.test(v);

export const privacyPluginPrivacy: PrivacyProvider = {
  tables: [REQUESTS, ...policyTables],
  async export(userId, ctx) {
    if (!isId(userId)) return {};
    const rows: RequestRow[] = await ctx.db(REQUESTS).where({ user_id: userId }).orderBy('id').select();
    return { requests: rows.map(toRequest), ...(await exportPolicies(userId, ctx)) };
  },
  async erase(userId, ctx) {
    if (!isId(userId)) return;
    await erasePolicies(userId, ctx);
    const files: { file_key: string }[] = await ctx.db(REQUESTS).where({ user_id: userId }).whereNotNull('file_key').select('file_key');
    for (const { file_key } of files) await ctx.resolve(CoreServices.storage).delete(file_key);
    await ctx.transaction(async (tx) => {
      await tx.db(REQUESTS).where({ user_id: userId }).update({ reason: null, file_key: null, file_size: null });
      await tx.db(REQUESTS).where({ user_id: userId, status: 'ready' }).update({ status: 'expired' });
      await tx.db(REQUESTS).where({ requested_by: userId }).whereNot({ user_id: userId }).update({ requested_by: null });
      await tx.db(REQUESTS).where({ decided_by: userId }).whereNot({ user_id: userId }).update({ decided_by: null });
    });
  },
};
