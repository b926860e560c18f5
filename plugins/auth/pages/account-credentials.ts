// The credentials part of the account page: end one of my sessions, create an API token (its secret
// is shown once, on the page that answers the form) and revoke one.
import { defineRoute, reply, Type, submitForm, requireFields } from 'lectern';
import { authSettings } from '../settings';
import { createToken } from '../tokens';
import { revokeOwn } from '../user-actions';
import { ACCOUNT_VIEW, accountPage, currentAccount } from './account';

const Id = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });

/** Ending one of my sessions and revoking one of my API tokens are the same action on two tables. */
function revokeRoute(what: 'session' | 'token', summary: string) {
  return defineRoute({
    method: 'POST', path: `/account/${what}s/:id/revoke`, authenticated: true, html: true, params: Id, summary,
    async handler(req) {
      await revokeOwn(req, what, req.params.id);
      return reply.redirect(`/account?done=${what}-revoked`);
    },
  });
}

export const accountCredentialRoutes = [
  revokeRoute('session', 'End one of my sessions'),
  revokeRoute('token', 'Revoke one of my API tokens'),

  defineRoute({
    method: 'POST', path: '/account/tokens', authenticated: true, html: true, summary: 'Create an API token (shown once)',
    body: Type.Object({ name: Type.String({ maxLength: 100 }) }),
    async handler(req) {
      const page = { view: ACCOUNT_VIEW, form: 'token', values: req.body, load: () => accountPage(req) };
      return submitForm(req, page, async () => {
        requireFields(req.body, ['name']);
        const id = String((await currentAccount(req)).id);
        const settings = await req.settings(authSettings);
        const created = await req.transaction(async (tx) => {
          const out = await createToken(tx.db, id, req.body.name.trim(), req.now(), settings.tokenDefaultDays);
          await tx.audit({ action: 'auth.token.create', actorId: id, target: { type: 'token', id: out.info.id }, details: { name: out.info.name } });
          return out;
        });
        return req.page(ACCOUNT_VIEW, await accountPage(req, { newToken: { token: created.token, ...created.info } }), 201);
      });
    },
  }),
];
