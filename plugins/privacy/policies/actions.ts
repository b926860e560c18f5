// Publishing a policy version and accepting one: each a transaction that writes the row, its audit
// record and the change notice that makes every instance's guard see it.
import { conflict, notFound, type PluginContext, type Principal } from 'lectern';
import { acceptancesChanged, policiesChanged, PolicyCacheRef } from './cache';
import { ACCEPTANCES, VERSIONS, type PolicyKind, type PolicyVersion } from './model';

interface Caller extends PluginContext { principal: Principal }

/** Publishes the next version of `kind`, effective at once: everyone must accept it before going on. */
export async function publishPolicy(req: Caller, input: { kind: PolicyKind; title: string; body: string }): Promise<PolicyVersion> {
  const publishedAt = req.now();
  const version = await req.transaction(async (tx) => {
    await tx.db.raw('select pg_advisory_xact_lock(hashtext(?))', [`privacy.policy.${input.kind}`]);
    const last = await tx.db(VERSIONS).where({ kind: input.kind }).max({ version: 'version' }).first() as { version?: number | string | null } | undefined;
    const next = Number(last?.version ?? 0) + 1;
    const [row]: { id: string | number }[] = await tx.db(VERSIONS).insert({
      kind: input.kind, version: next, title: input.title, body: input.body, published_at: publishedAt, created_by: req.principal.id,
    }).returning('id');
    await tx.audit({ action: 'privacy.policy.publish', target: { type: 'policyVersion', id: String(row.id) }, details: { kind: input.kind, version: next } });
    await policiesChanged(tx);
    return { id: String(row.id), kind: input.kind, version: next, title: input.title, body: input.body, publishedAt };
  });
  return version;
}

/** Records that the caller accepted a current version (again is fine); an old or unknown version is refused. */
export async function acceptPolicy(req: Caller, versionId: string): Promise<{ policyVersionId: string; acceptedAt: Date }> {
  const current = await req.resolve(PolicyCacheRef).versions();
  const version = current.find((v) => v.id === versionId);
  if (!version) {
    const known: unknown = await req.db(VERSIONS).where({ id: versionId }).first('id');
    if (!known) throw notFound('There is no such policy version.');
    throw conflict('This is not the current version of the policy: accept the current one.');
  }
  const userId = req.principal.id;
  return req.transaction(async (tx) => {
    const acceptedAt = req.now();
    const inserted = await tx.db(ACCEPTANCES).insert({ user_id: userId, version_id: versionId, accepted_at: acceptedAt })
      .onConflict(['user_id', 'version_id']).ignore().returning('accepted_at');
    if (!inserted.length) {
      const row: { accepted_at: Date | string } = await tx.db(ACCEPTANCES).where({ user_id: userId, version_id: versionId }).first('accepted_at');
      return { policyVersionId: versionId, acceptedAt: new Date(row.accepted_at) };
    }
    await tx.audit({ action: 'privacy.policy.accept', target: { type: 'policyVersion', id: versionId }, details: { kind: version.kind, version: version.version } });
    await acceptancesChanged(tx, userId);
    return { policyVersionId: versionId, acceptedAt };
  });
}
