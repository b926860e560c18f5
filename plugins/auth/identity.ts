// Who is calling: a bearer API token or the session cookie. A credential is looked up once (one
// indexed query that also checks the account is active) and then answered from memory for at most a
// minute, until `credentialsChanged` (credential-changes.ts) drops that user's entries on every instance.
import { CoreServices, defineService, type IdentityProvider, type Knex, type PluginContext, type Principal } from 'lectern';
import { CREDENTIALS_NOTICE } from './credential-changes';
import { SESSION_COOKIE } from './sessions';
import { TOKEN_PREFIX } from './tokens';
import { digest } from './secrets';
import { authSettings } from './settings';

/** How long a looked-up credential is trusted from memory; also how often last_seen_at / last_used_at are written. */
const FRESH_MS = 60_000;
const MAX_ENTRIES = 50_000;

interface Found { credential_id: number; user_id: number; email: string; name: string; locale: string | null; seen: Date | null; expires_at: Date; csrf_token?: string }
interface Entry { principal: Principal; until: number }

export class IdentityCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;

  constructor(ctx: PluginContext) {
    ctx.resolve(CoreServices.revisions).on(CREDENTIALS_NOTICE, (userIds) => this.drop(userIds));
  }

  /** Drops the named users' credentials (all of them when `userIds` is undefined). */
  drop(userIds?: readonly string[]): void {
    this.generation += 1;
    if (!userIds) return this.entries.clear();
    const users = new Set(userIds);
    for (const [key, entry] of this.entries) if (users.has(entry.principal.id)) this.entries.delete(key);
  }

  async resolve(key: string, now: Date, load: () => Promise<{ principal: Principal; expiresAt: Date } | null>): Promise<Principal | null> {
    const hit = this.entries.get(key);
    if (hit && hit.until > now.getTime()) return hit.principal;
    const generation = this.generation;
    const found = await load();
    if (!found) return null;
    // A change that cleared the cache while this lookup ran wins: do not store what may be stale.
    if (generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, { principal: found.principal, until: Math.min(found.expiresAt.getTime(), now.getTime() + FRESH_MS) });
    }
    return found.principal;
  }
}

export const IdentityCacheRef = defineService<IdentityCache>('auth.identityCache');

export const authIdentity: IdentityProvider = {
  signInPath: '/login',
  sessionCookie: SESSION_COOKIE,
  /** A test persona is an active account `<name>@example.test` without a password. */
  async createTestUser(name, ctx) {
    const email = `${name.toLowerCase()}@example.test`;
    const [created] = await ctx.db('auth_users').insert({ email, name }).onConflict(ctx.db.raw('(lower(email))')).ignore().returning('id');
    return String(created?.id ?? (await ctx.db('auth_users').whereRaw('lower(email) = ?', [email]).first('id')).id);
  },
  async resolve(req, ctx) {
    const cache = ctx.resolve(IdentityCacheRef);
    const header = req.headers.authorization;
    const now = ctx.now();
    if (typeof header === 'string' && header.length > 7 && header.slice(0, 7).toLowerCase() === 'bearer ') {
      const token = header.slice(7).trim();
      if (!token.startsWith(TOKEN_PREFIX)) return null;
      const hash = digest(token);
      return cache.resolve(`t:${hash}`, now, async () => {
        const found: Found | undefined = await ctx.db('auth_tokens as t').join('auth_users as u', 'u.id', 't.user_id')
          .where({ 't.token_hash': hash, 'u.status': 'active' }).andWhere('t.expires_at', '>', now)
          .first('t.id as credential_id', 't.user_id', 'u.email', 'u.name', 'u.locale', 't.last_used_at as seen', 't.expires_at');
        if (!found) return null;
        await touch(ctx.db, 'auth_tokens', 'last_used_at', found, now);
        return { principal: principal(found, 'token'), expiresAt: new Date(found.expires_at) };
      });
    }
    const cookie = req.cookie(SESSION_COOKIE);
    if (!cookie) return null;
    const hash = digest(cookie);
    return cache.resolve(`s:${hash}`, now, async () => {
      const { sessionIdleMinutes } = await ctx.settings(authSettings);
      const found: Found | undefined = await ctx.db('auth_sessions as s').join('auth_users as u', 'u.id', 's.user_id')
        .where({ 's.token_hash': hash, 'u.status': 'active' }).andWhere('s.expires_at', '>', now)
        .andWhere('s.last_seen_at', '>', new Date(now.getTime() - sessionIdleMinutes * 60_000))
        .first('s.id as credential_id', 's.user_id', 'u.email', 'u.name', 'u.locale', 's.last_seen_at as seen', 's.expires_at', 's.csrf_token');
      if (!found) return null;
      await touch(ctx.db, 'auth_sessions', 'last_seen_at', found, now);
      return { principal: { ...principal(found, 'session'), csrfToken: found.csrf_token }, expiresAt: new Date(found.expires_at) };
    });
  },
};

function principal(f: Found, via: 'session' | 'token'): Principal {
  return { id: String(f.user_id), email: f.email, name: f.name, via, ...(f.locale ? { locale: f.locale } : {}) };
}

async function touch(db: Knex, table: string, column: string, f: Found, now: Date): Promise<void> {
  if (f.seen && now.getTime() - new Date(f.seen).getTime() < FRESH_MS) return;
  await db(table).where({ id: f.credential_id }).update({ [column]: now });
}
