// Version history: list, read one, compare two (a line diff of what they say), restore one as a new draft.
import { badRequest, defineRoute, reply, Type, type Knex } from 'lectern';
import { diffLines } from 'diff';
import { byNumber } from '../cursors';
import { contentPermissions } from '../permissions';
import { restoreVersion } from '../actions/content';
import { itemRow, versionRow } from '../model/items';
import { toVersion, VERSIONS, type VersionRow } from '../model/rows';
import { Content, ContentParams, DiffLines, Version, VersionPage, VersionParams } from '../schemas';

export const VersionNumber = Type.Integer({ minimum: 1, maximum: 1_000_000 });

/** What a version says, as lines: its title, then its body or URL (or file). */
const textOf = (v: VersionRow) => [`# ${v.title}`, '', v.body ?? v.url ?? (v.file_key ? `[file] ${v.file_name} (${v.sha256})` : '')].join('\n');

export function lineDiff(a: VersionRow, b: VersionRow) {
  const lines = diffLines(textOf(a), textOf(b)).flatMap((part) => {
    const op = part.added ? 'add' as const : part.removed ? 'remove' as const : 'same' as const;
    return part.value.replace(/\n$/, '').split('\n').map((text) => ({ op, text }));
  });
  return { from: a.number, to: b.number, lines };
}

/** A page of an item's versions, newest first (a 404 for an unknown item). */
export async function listVersions(db: Knex, id: string, f: { limit: number; cursor?: [number] }) {
  await itemRow(db, id);
  const q = db(VERSIONS).where({ item_id: id }).orderBy('number', 'desc').limit(f.limit + 1);
  if (f.cursor) q.where('number', '<', f.cursor[0]);
  return byNumber.page(await q as VersionRow[], f.limit, toVersion, (v) => [v.number]);
}

/** The line diff from version `from` to version `to` of an item; a 400 on `query.to` when they are the same. */
export async function diffVersions(db: Knex, id: string, from: number, to: number) {
  if (from === to) throw badRequest('Compare two different versions.', [{ path: 'query.to', message: 'must differ from query.from' }]);
  const [a, b] = await Promise.all([versionRow(db, id, from), versionRow(db, id, to)]);
  return lineDiff(a, b);
}

export const versionRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/content/:id/versions', permission: contentPermissions.view, params: ContentParams,
    query: Type.Object(byNumber.query), summary: 'Every version of a piece of content, newest first', responses: { 200: VersionPage },
    handler: (req) => listVersions(req.db, req.params.id, req.query),
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/content/:id/versions/:n', permission: contentPermissions.view, params: VersionParams,
    summary: 'One version', responses: { 200: Version },
    handler: async (req) => toVersion(await versionRow(req.db, req.params.id, req.params.n)),
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/content/:id/diff', permission: contentPermissions.view, params: ContentParams,
    query: Type.Object({ from: VersionNumber, to: VersionNumber }),
    summary: 'A line diff between two versions', responses: { 200: DiffLines },
    handler: (req) => diffVersions(req.db, req.params.id, req.query.from, req.query.to),
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/content/:id/versions/:n/restore', permission: contentPermissions.update, params: VersionParams,
    body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 2_000 })) }, { additionalProperties: false }),
    summary: 'Restore a version as a new draft version', responses: { 201: Content }, errors: [409],
    handler: async (req) => reply.created(await restoreVersion(req, req.params.id, req.params.n, req.body.note)),
  }),
];
