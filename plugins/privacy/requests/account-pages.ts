// The person's own privacy page (/account/privacy): their requests, a form to ask for a copy of their
// data (downloaded from the API link while ready), and erasure behind a confirmation page that says
// plainly what goes and what is kept. Both forms run the same action as POST /api/v1/privacy/requests.
import { badRequest, defineRoute, Done, doneNotice, reply, submitForm, Type, type FormState, type SignedInRequest } from 'lectern';
import { createRequest } from './actions';
import { listRequests } from './list';
import { shown } from './labels';

export const ACCOUNT_PATH = '/account/privacy';
const NOTICES = {
  export: 'Your request for a copy of your data is recorded. It is prepared once a privacy manager approves it.',
  erase: 'Your request to erase your account is recorded. A privacy manager will review it.',
};
/** Their latest requests; a person has a handful (one open of each type at a time). */
const LIST_SIZE = 50;

async function accountPage(req: SignedInRequest, forms: Record<string, FormState> = {}) {
  const page = await listRequests(req, { userId: req.principal.id }, LIST_SIZE, undefined);
  return {
    title: 'My data', requests: page.items.map(shown),
    forms: { export: forms.export ?? { values: {} }, erase: forms.erase ?? { values: {} } },
  };
}

const ERASE_VIEW = 'privacy/erase';
const erasePage = async () => ({ title: 'Erase my account', forms: { erase: { values: {} } } });

export const accountPages = [
  defineRoute({
    method: 'GET', path: ACCOUNT_PATH, authenticated: true, html: true, query: Type.Object({ done: Done }), summary: 'My data (page)',
    handler: async (req) => req.page('privacy/account', { ...(await accountPage(req)), notice: doneNotice(NOTICES, req.query.done) }),
  }),
  defineRoute({
    method: 'POST', path: `${ACCOUNT_PATH}/export`, authenticated: true, html: true, body: Type.Object({}), summary: 'Ask for a copy of my data (form)',
    handler: (req) => submitForm(req, { view: 'privacy/account', form: 'export', values: {}, load: (sent) => accountPage(req, sent) }, async () => {
      await createRequest(req, req.principal.id, 'export');
      return reply.redirect(`${ACCOUNT_PATH}?done=export`);
    }),
  }),
  defineRoute({
    method: 'GET', path: `${ACCOUNT_PATH}/erase`, authenticated: true, html: true, summary: 'Erase my account: confirmation (page)',
    handler: async (req) => req.page(ERASE_VIEW, await erasePage()),
  }),
  defineRoute({
    method: 'POST', path: `${ACCOUNT_PATH}/erase`, authenticated: true, html: true,
    body: Type.Object({ confirm: Type.Optional(Type.String({ maxLength: 10 })) }), summary: 'Ask for my account to be erased (form)',
    handler: (req) => submitForm(req, { view: ERASE_VIEW, form: 'erase', values: req.body, load: erasePage }, async () => {
      if (req.body.confirm !== 'yes') throw badRequest('Tick the box to confirm that you want your account erased.', [{ path: 'body.confirm', message: 'must be ticked to go on' }]);
      await createRequest(req, req.principal.id, 'erase');
      return reply.redirect(`${ACCOUNT_PATH}?done=erase`);
    }),
  }),
];
