// The signed-in person's own account page: their profile (name) and password. Sessions and API
// tokens, on the same page, have their actions in account-credentials.ts.
import { badRequest, CoreServices, defineRoute, reply, Type, unauthorized, type SignedInRequest, Done, doneNotice, submitForm, type PageData, requireFields } from 'lectern';
import { findUser, toUser, type UserRow } from '../users';
import { listSessions } from '../sessions';
import { toTokenInfo } from '../tokens';
import { updateOwnAccount } from '../user-actions';

export const ACCOUNT_VIEW = 'auth/account';

const NOTICES = {
  profile: 'Your profile is saved.',
  password: 'Your password is changed. Your other sessions have ended.',
  'session-revoked': 'That session has ended.',
  'token-revoked': 'That API token is revoked.',
};

/** The caller's account row; a principal without one (e.g. erased meanwhile) is not signed in. */
export async function currentAccount(req: SignedInRequest): Promise<UserRow> {
  const row = await findUser(req.db, req.principal.id);
  if (!row) throw unauthorized('This account does not exist.');
  return row;
}

/** Everything the account page shows. */
export async function accountPage(req: SignedInRequest, extra: PageData = {}): Promise<PageData> {
  const row = await currentAccount(req);
  const id = String(row.id);
  const sessions = await listSessions(req, id);
  const tokens = await req.db('auth_tokens').where({ user_id: id }).andWhere('expires_at', '>', req.now()).orderBy('id').limit(200);
  return {
    title: 'Your account', account: toUser(row), sessions, tokens: tokens.map(toTokenInfo),
    forms: { profile: { values: { name: row.name, locale: row.locale ?? '' } } }, localeGroups: [{ options: localeOptions(req) }], ...extra,
  };
}

/** The languages that have strings, after "System default" (the empty value: null). */
function localeOptions(req: SignedInRequest): { value: string; label: string }[] {
  const names = new Intl.DisplayNames(['en'], { type: 'language' });
  const label = (l: string) => { try { return `${names.of(l) ?? l} (${l})`; } catch { return l; } };
  return [{ value: '', label: 'System default' }, ...req.resolve(CoreServices.views).catalogs.locales().map((l) => ({ value: l, label: label(l) }))];
}

const formOf = (req: SignedInRequest, form: string, values: Record<string, unknown>) =>
  ({ view: ACCOUNT_VIEW, form, values, load: () => accountPage(req) });

export const accountRoutes = [
  defineRoute({
    method: 'GET', path: '/account', authenticated: true, html: true, summary: 'My account: profile, password, sessions, API tokens',
    query: Type.Object({ done: Done }),
    async handler(req) {
      return req.page(ACCOUNT_VIEW, await accountPage(req, { notice: doneNotice(NOTICES, req.query.done) }));
    },
  }),

  defineRoute({
    method: 'POST', path: '/account/profile', authenticated: true, html: true, summary: 'Change my name and language',
    body: Type.Object({ name: Type.String({ maxLength: 200 }), locale: Type.Optional(Type.String({ maxLength: 20 })) }),
    async handler(req) {
      return submitForm(req, formOf(req, 'profile', req.body), async () => {
        requireFields(req.body, ['name']);
        const { locale } = req.body;
        await updateOwnAccount(req, await currentAccount(req), { name: req.body.name, ...(locale !== undefined ? { locale: locale || null } : {}) });
        return reply.redirect('/account?done=profile');
      });
    },
  }),

  defineRoute({
    method: 'POST', path: '/account/password', authenticated: true, html: true, summary: 'Change my password',
    body: Type.Object({
      currentPassword: Type.String({ maxLength: 1024 }), password: Type.String({ maxLength: 1024 }), confirm: Type.String({ maxLength: 1024 }),
    }),
    async handler(req) {
      const { currentPassword, password, confirm } = req.body;
      return submitForm(req, formOf(req, 'password', {}), async () => {
        requireFields(req.body, ['currentPassword', 'password', 'confirm']);
        if (password !== confirm) throw badRequest('The two new passwords differ.', [{ path: 'body.confirm', message: 'does not match the new password' }]);
        await updateOwnAccount(req, await currentAccount(req), { password, currentPassword });
        return reply.redirect('/account?done=password');
      });
    },
  }),
];
