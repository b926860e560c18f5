// An item's version history (/admin/content/:id/versions, content:view): every version with its author,
// note and review, a "restore as new draft" button per version (content:update, restoreVersion), and the
// compare form, whose page (/admin/content/:id/diff) shows the line diff of two versions (diffVersions).
import { defineRoute, pagerLinks, reply, submitForm, Type, type FormState, type SignedInRequest } from 'lectern';
import { byNumber } from '../cursors';
import { contentPermissions } from '../permissions';
import { restoreVersion } from '../actions/content';
import { itemRow } from '../model/items';
import { diffVersions, listVersions, VersionNumber } from '../routes/versions';
import { ContentParams, VersionParams } from '../schemas';

const VIEW = 'content/admin/versions';
const DIFF_VIEW = 'content/admin/diff';
const PAGE_SIZE = 50;

/** The item's id, title, and latest and published version numbers. */
async function itemHeader(req: SignedInRequest, id: string) {
  const item = await itemRow(req.db, id);
  return { id: String(item.id), title: item.title, version: item.latest_version, publishedVersion: item.published_version };
}

/** The compare form's two selects: every version number, newest first, `from` and `to` selected. */
function compareOptions(latest: number, from: number, to: number) {
  const numbers = Array.from({ length: latest }, (_, i) => latest - i);
  const options = (chosen: number) => numbers.map((n) => ({ value: String(n), selected: n === chosen }));
  return { from: options(from), to: options(to) };
}

async function versionsPage(req: SignedInRequest, id: string, cursor?: [number], forms: Record<string, FormState> = {}) {
  const [item, list, canUpdate] = await Promise.all([
    itemHeader(req, id), listVersions(req.db, id, { limit: PAGE_SIZE, cursor }), req.can(contentPermissions.update),
  ]);
  const versions = list.items.map((v) => ({ ...v, published: v.number === item.publishedVersion }));
  return {
    title: `Versions of ${item.title}`, item, versions, canUpdate, forms, compare: compareOptions(item.version, Math.max(1, item.version - 1), item.version),
    pager: pagerLinks(`/admin/content/${id}/versions`, {}, list.nextCursor, cursor !== undefined),
  };
}

/** The diff page; a mistake in the compare form (two equal versions) shows it again beside the field. */
async function diffPage(req: SignedInRequest, id: string, from: number, to: number, forms: Record<string, FormState> = {}) {
  const item = await itemHeader(req, id);
  const page = { title: `Changes to ${item.title}`, item, compare: compareOptions(item.version, from, to), forms };
  if (forms.compare) return page;
  const diff = await diffVersions(req.db, id, from, to);
  const count = (op: string) => diff.lines.filter((l) => l.op === op).length;
  return { ...page, diff, added: count('add'), removed: count('remove') };
}

export const versionPageRoutes = [
  defineRoute({
    method: 'GET', path: '/admin/content/:id/versions', permission: contentPermissions.view, html: true, params: ContentParams,
    query: Type.Object({ cursor: byNumber.cursor }), summary: 'The version history of an item (page)',
    async handler(req) {
      return req.page(VIEW, await versionsPage(req, req.params.id, req.query.cursor));
    },
  }),

  defineRoute({
    method: 'POST', path: '/admin/content/:id/versions/:n/restore', permission: contentPermissions.update, html: true, params: VersionParams,
    body: Type.Object({}), summary: 'Restore a version as a new draft (form)',
    async handler(req) {
      const { id, n } = req.params;
      return submitForm(req, { view: VIEW, form: 'restore', values: { n }, load: (sent) => versionsPage(req, id, undefined, sent) }, async () => {
        await restoreVersion(req, id, n);
        return reply.redirect(`/admin/content/${id}?done=restored`);
      });
    },
  }),

  defineRoute({
    method: 'GET', path: '/admin/content/:id/diff', permission: contentPermissions.view, html: true, params: ContentParams,
    query: Type.Object({ from: VersionNumber, to: VersionNumber }), summary: 'The line diff between two versions (page)',
    async handler(req) {
      const { id } = req.params;
      const { from, to } = req.query;
      return submitForm(req, { view: DIFF_VIEW, form: 'compare', values: { from, to }, fieldNames: { 'query.to': 'to' }, load: (sent) => diffPage(req, id, from, to, sent) },
        async () => req.page(DIFF_VIEW, await diffPage(req, id, from, to)));
    },
  }),
];
