// What the auth plugin tells a security review (the privacy plugin's security report) through lectern/auth:
// administrators still using the password they were given at first start, and the password and session
// policy in force.
import type { PluginContext } from 'lectern';
import type { InitialPassword, SecurityFacts } from './api';
import { commonPasswords, POLICY_MAX_LENGTH } from './passwords';
import { authSettings } from './settings';

export function securityFacts(ctx: PluginContext): SecurityFacts {
  return {
    async initialPasswords() {
      const rows: { user_id: string | number; email: string; source: InitialPassword['source'] }[] = await ctx.db('auth_initial_passwords as i')
        .join('auth_users as u', 'u.id', 'i.user_id').whereRaw('u.password_hash = i.password_hash').andWhere('u.status', 'active')
        .orderBy('u.id').limit(100).select('i.user_id', 'u.email', 'i.source');
      return rows.map((r) => ({ userId: String(r.user_id), email: r.email, source: r.source }));
    },
    async policy() {
      const s = await ctx.settings(authSettings);
      return {
        passwordMinLength: s.passwordMinLength, passwordMaxLength: POLICY_MAX_LENGTH, passwordMinClasses: s.passwordMinClasses,
        commonPasswords: commonPasswords().size, sessionIdleMinutes: s.sessionIdleMinutes, sessionAbsoluteHours: s.sessionAbsoluteHours,
      };
    },
  };
}
