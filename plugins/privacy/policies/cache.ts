// The policies each instance keeps in memory so the request guard asks no query: the current versions
// (read once, read again when a version is published — a revision bump in the publishing transaction) and,
// per person, which of them they accepted (read once per person, dropped for that person when they accept —
// a keyed change notice — and for everyone when a version is published).
import { Answers, CoreServices, defineService, type Knex, type PluginContext, type TransactionContext } from 'lectern';
import { ACCEPTANCES, readCurrent, type PolicyVersion } from './model';

export const POLICIES_REVISION = 'privacy.policies';
export const ACCEPTANCES_NOTICE = 'privacy.acceptances';

export class PolicyCache {
  private current: Promise<PolicyVersion[]> | undefined;
  private readonly accepted = new Answers(20_000, 1);

  constructor(private readonly ctx: PluginContext) {
    const revisions = ctx.resolve(CoreServices.revisions);
    revisions.on(POLICIES_REVISION, () => {
      this.current = undefined;
      this.accepted.drop();
    });
    revisions.on(ACCEPTANCES_NOTICE, (userIds) => this.accepted.drop(userIds));
  }

  /** The current version of each kind (read on first use, or after a failed read). */
  versions(): Promise<PolicyVersion[]> {
    if (!this.current) {
      const reading = readCurrent(this.ctx.db);
      this.current = reading;
      reading.catch(() => { if (this.current === reading) this.current = undefined; });
    }
    return this.current;
  }

  /** The current versions `userId` has not accepted yet, in kind order. */
  async pending(userId: string): Promise<PolicyVersion[]> {
    const versions = await this.versions();
    if (!versions.length) return [];
    const ids = versions.map((v) => v.id);
    const accepted = await this.accepted.get(userId, 'current', () => acceptedOf(this.ctx.db, userId, ids));
    return versions.filter((v) => !accepted.has(v.id));
  }
}

async function acceptedOf(db: Knex, userId: string, versionIds: string[]): Promise<Set<string>> {
  const rows: { version_id: string | number }[] = await db(ACCEPTANCES).where({ user_id: userId }).whereIn('version_id', versionIds).select('version_id');
  return new Set(rows.map((r) => String(r.version_id)));
}

export const PolicyCacheRef = defineService<PolicyCache>('privacy.policyCache');

/** A version was published: every instance reads the current versions again once `tx` commits. */
export async function policiesChanged(tx: TransactionContext): Promise<void> {
  await tx.resolve(CoreServices.revisions).bump(POLICIES_REVISION, tx.db);
}

/** `userId` accepted a version: every instance reads their acceptances again once `tx` commits. */
export async function acceptancesChanged(tx: TransactionContext, userId: string): Promise<void> {
  await tx.resolve(CoreServices.revisions).touch(ACCEPTANCES_NOTICE, [userId], tx.db);
}
