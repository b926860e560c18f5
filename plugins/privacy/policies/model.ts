// What a policy version is, and how the current version of each kind is read: the highest version of
// each kind published by now. Versions are never changed once published: a change is a new version.
import type { Knex } from 'lectern';

export const POLICY_KINDS = ['privacy', 'terms'] as const;
export type PolicyKind = typeof POLICY_KINDS[number];
export const VERSIONS = 'privacy_policy_versions';
export const ACCEPTANCES = 'privacy_policy_acceptances';

export interface PolicyVersion {
  id: string; kind: PolicyKind; version: number; title: string; body: string; publishedAt: Date;
}

interface VersionRow { id: string | number; kind: PolicyKind; version: number; title: string; body: string; published_at: Date | string }

const toVersion = (r: VersionRow): PolicyVersion => ({
  id: String(r.id), kind: r.kind, version: Number(r.version), title: r.title, body: r.body, publishedAt: new Date(r.published_at),
});

const COLUMNS = ['id', 'kind', 'version', 'title', 'body', 'published_at'];

/** The current version of each kind that has one, in kind order. */
export async function readCurrent(db: Knex): Promise<PolicyVersion[]> {
  const rows: VersionRow[] = await db(VERSIONS).select(COLUMNS)
    .whereIn(['kind', 'version'], db(VERSIONS).groupBy('kind').select('kind', db.raw('max(version)')));
  return rows.map(toVersion).sort((a, b) => POLICY_KINDS.indexOf(a.kind) - POLICY_KINDS.indexOf(b.kind));
}

/** Every version of a kind, newest first (at most `limit`). */
export async function readVersions(db: Knex, kind: PolicyKind, limit: number): Promise<PolicyVersion[]> {
  const rows: VersionRow[] = await db(VERSIONS).where({ kind }).orderBy('version', 'desc').limit(limit).select(COLUMNS);
  return rows.map(toVersion);
}
