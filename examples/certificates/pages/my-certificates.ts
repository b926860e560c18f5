// "My certificates" (/my/certificates): the caller's certificates, newest first, with download and
// verification links.
import { defineRoute, pagerLinks, Type } from 'lectern';
import { listCertificates, newestFirst } from '../listing';

const PAGE_SIZE = 50;

export const myCertificatesPage = defineRoute({
  method: 'GET', path: '/my/certificates', authenticated: true, html: true, query: Type.Object({ cursor: newestFirst.cursor }),
  summary: 'My certificates (page)',
  async handler(req) {
    const { cursor } = req.query;
    const list = await listCertificates(req.db, { userId: req.principal.id, cursor, limit: PAGE_SIZE });
    return req.page('certificates/my-certificates', {
      title: 'My certificates', certificates: list.items, pager: pagerLinks('/my/certificates', {}, list.nextCursor, cursor !== undefined),
    });
  },
});
