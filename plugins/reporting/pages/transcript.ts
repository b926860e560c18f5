// Transcript pages: a learner's own (/my/transcript, linked from the navigation) and any person's for
// reporters (/reports/learners/:userId) — every course, each completion of each cycle and its expiry.
import { defineRoute, Type, type SignedInRequest } from 'lectern';
import { transcriptOf } from '../routes/transcript';
import { IdString } from '../schemas';

async function transcriptPage(req: SignedInRequest, userId: string) {
  const t = await transcriptOf(req, userId);
  const own = userId === req.principal.id;
  return req.page('reporting/transcript', { title: own ? 'My transcript' : `Transcript: ${t.user.name}`, own, ...t });
}

export const transcriptPages = [
  defineRoute({
    method: 'GET', path: '/my/transcript', authenticated: true, html: true, summary: 'My transcript (page)',
    handler: (req) => transcriptPage(req, req.principal.id),
  }),
  defineRoute({
    method: 'GET', path: '/reports/learners/:userId', authenticated: true, html: true, params: Type.Object({ userId: IdString }),
    summary: "A person's transcript (page)", handler: (req) => transcriptPage(req, req.params.userId),
  }),
];
