// Export and erasure of everything auth stores about a person. Erasure keeps the account row (ids are
// referenced by audit records and other plugins) but strips it of personal data and every credential.
import type { PrivacyProvider } from 'lectern';
import { revokeCredentials, toUser } from './users';
import { toTokenInfo } from './tokens';
import { sessionRetention } from './cleanup';

export const authPrivacy: PrivacyProvider = {
  tables: ['auth_users', 'auth_sessions', 'auth_tokens', 'auth_links', 'auth_cohort_members', 'auth_imports', 'auth_import_rows', 'auth_initial_passwords'],
  retention: [sessionRetention],
  async export(userId, ctx) {
    if (!/^[0-9]{1,18}$/.test(userId)) return {};
    const user = await ctx.db('auth_users').where({ id: userId }).first();
    if (!user) return {};
    const [sessions, tokens, cohorts] = await Promise.all([
      ctx.db('auth_sessions').where({ user_id: userId }).select('created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'),
      ctx.db('auth_tokens').where({ user_id: userId }).select('id', 'name', 'created_at', 'expires_at', 'last_used_at'),
      ctx.db('auth_cohort_members as m').join('auth_cohorts as c', 'c.id', 'm.cohort_id').where('m.user_id', userId).select('c.name', 'm.added_at'),
    ]);
    return { account: { ...toUser(user), locale: user.locale ?? null }, sessions, tokens: tokens.map(toTokenInfo), cohorts };
  },
  async erase(userId, ctx) {
    if (!/^[0-9]{1,18}$/.test(userId)) return;
    await ctx.transaction(async (tx) => {
      const user = await tx.db('auth_users').where({ id: userId }).first('email');
      if (!user) return;
      await tx.db('auth_import_rows').whereRaw('lower(email) = lower(?)', [user.email]).delete();
      await revokeCredentials(ctx, tx.db, userId);
      await tx.db('auth_cohort_members').where({ user_id: userId }).delete();
      await tx.db('auth_initial_passwords').where({ user_id: userId }).delete();
      await tx.db('auth_imports').where({ created_by: userId }).update({ created_by: null });
      await tx.db('auth_users').where({ id: userId }).update({
        email: `erased-${userId}@invalid`, name: 'Erased user', password_hash: null, status: 'deactivated', locale: null,
        deactivated_at: tx.db.fn.now(), last_login_at: null, updated_at: tx.db.fn.now(),
      });
      await tx.audit({ action: 'auth.user.erase', target: { type: 'user', id: userId } });
    });
  },
};
