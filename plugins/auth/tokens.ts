// Personal API tokens: bearer credentials for scripts and integrations, named, expiring, revocable,
// stored only as a hash. The token is shown once, when it is created.
import type { Knex } from 'lectern';
import { digest, newSecret } from './secrets';

export const TOKEN_PREFIX = 'lct_';

export interface TokenInfo { id: string; name: string; createdAt: string; expiresAt: string; lastUsedAt: string | null }

export async function createToken(db: Knex, userId: string, name: string, now: Date, days: number): Promise<{ token: string; info: TokenInfo }> {
  const token = newSecret(TOKEN_PREFIX);
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  const [row] = await db('auth_tokens').insert({ token_hash: digest(token), user_id: userId, name, created_at: now, expires_at: expiresAt }).returning('*');
  return { token, info: toTokenInfo(row) };
}

export function toTokenInfo(r: { id: number; name: string; created_at: Date; expires_at: Date; last_used_at: Date | null }): TokenInfo {
  return {
    id: String(r.id), name: r.name, createdAt: new Date(r.created_at).toISOString(), expiresAt: new Date(r.expires_at).toISOString(),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
  };
}
