// Single-use, expiring links sent by email: password reset and invitation. The token travels only
// in the email; the database keeps its hash.
import { badRequest, sendMail, type TransactionContext } from 'lectern';
import { digest, newSecret } from './secrets';
import type { AuthSettings } from './settings';

export type LinkPurpose = 'reset' | 'invitation';

/** Issues a link and queues its email; both happen only if the surrounding transaction commits. */
export async function sendLink(tx: TransactionContext, user: { id: string; email: string; name: string }, purpose: LinkPurpose, settings: AuthSettings, now: Date, url: (path: string) => string): Promise<void> {
  const token = newSecret();
  const lifetimeMinutes = purpose === 'reset' ? settings.resetLinkMinutes : settings.invitationHours * 60;
  await tx.db('auth_links').insert({
    token_hash: digest(token), user_id: user.id, purpose, created_at: now, expires_at: new Date(now.getTime() + lifetimeMinutes * 60_000),
  });
  const link = url(`/password-reset?token=${encodeURIComponent(token)}`);
  const text = purpose === 'reset'
    ? `Hello ${user.name},\n\nSomeone asked to reset the password of your account. To choose a new password, open:\n\n${link}\n\nThe link works once, for ${lifetimeMinutes} minutes. If you did not ask for this, ignore this email.\n`
    : `Hello ${user.name},\n\nAn account has been created for you. To choose your password and sign in, open:\n\n${link}\n\nThe link works once, for ${settings.invitationHours} hours.\n`;
  await tx.enqueue(sendMail, { to: user.email, subject: purpose === 'reset' ? 'Reset your password' : 'Your new account', text });
}

/** Uses up a link: returns its user, or refuses it as invalid/expired/used (one answer for all three). */
export async function consumeLink(tx: TransactionContext, token: string, now: Date): Promise<{ userId: string; purpose: LinkPurpose }> {
  const [row] = await tx.db('auth_links').where({ token_hash: digest(token) }).whereNull('used_at').andWhere('expires_at', '>', now)
    .update({ used_at: now }).returning(['user_id', 'purpose']);
  if (!row) throw badRequest('This link is invalid, has expired or was already used. Ask for a new one.', [{ path: 'body.token', message: 'is invalid or expired' }]);
  return { userId: String(row.user_id), purpose: row.purpose };
}
