// Password reset in a browser: ask for a link (the answer never tells whether the address has an
// account), then, from the emailed link, choose a new password. Invitations use the same link.
import { badRequest, defineRoute, reply, Type, submitForm, requireFields } from 'lectern';
import { requestPasswordReset, setPasswordWithLink } from '../signin';

const VIEW = 'auth/password-reset';
const TITLE = 'Reset your password';
const Token = Type.String({ maxLength: 200 });

export const passwordResetRoutes = [
  defineRoute({
    method: 'GET', path: '/password-reset', public: true, html: true, summary: 'Ask for a reset link, or choose a password from one',
    query: Type.Object({ token: Type.Optional(Token) }),
    async handler(req) {
      return req.page(VIEW, { title: TITLE, token: req.query.token });
    },
  }),

  defineRoute({
    method: 'POST', path: '/password-reset', public: true, html: true, summary: 'Email a reset link (the same answer for any address)',
    body: Type.Object({ email: Type.String({ maxLength: 320 }) }),
    async handler(req) {
      const { email } = req.body;
      const page = { view: VIEW, form: 'request', values: { email }, load: async () => ({ title: TITLE }) };
      return submitForm(req, page, async () => {
        requireFields(req.body, ['email']);
        const settings = await requestPasswordReset(req, email);
        return req.page(VIEW, { title: TITLE, sent: { email, minutes: settings.resetLinkMinutes } });
      });
    },
  }),

  defineRoute({
    method: 'POST', path: '/password-reset/confirm', public: true, html: true, summary: 'Choose a new password with an emailed link',
    body: Type.Object({ token: Token, password: Type.String({ maxLength: 1024 }), confirm: Type.String({ maxLength: 1024 }) }),
    async handler(req) {
      const { token, password, confirm } = req.body;
      const page = { view: VIEW, form: 'choose', values: {}, load: async () => ({ title: TITLE, token }) };
      return submitForm(req, page, async () => {
        requireFields(req.body, ['password', 'confirm']);
        if (password !== confirm) throw badRequest('The two passwords differ.', [{ path: 'body.confirm', message: 'does not match the new password' }]);
        await setPasswordWithLink(req, token, password);
        return reply.redirect('/login?done=password-set');
      });
    },
  }),
];
