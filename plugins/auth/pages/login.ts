// Signing in and out in a browser: the login form (a session cookie, then back to the local page the
// person was going to) and the layout's sign-out button. Credentials are checked, throttled and
// audited by the same function as the JSON login.
import { defineRoute, reply, Type, Done, doneNotice, submitForm, requireFields } from 'lectern';
import { signIn } from '../signin';
import { endSession } from '../sessions';

const NOTICES = {
  'signed-out': 'You are signed out.',
  'password-set': 'Your password is set. Sign in with it.',
};

/** Only a local path may be a redirect target: one leading slash, printable ASCII, no backslash. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/.test(next) ? next : '/';
}

const Next = Type.Optional(Type.String({ maxLength: 2000 }));

export const loginRoutes = [
  defineRoute({
    method: 'GET', path: '/login', public: true, html: true, summary: 'The sign-in form',
    query: Type.Object({ next: Next, done: Done }),
    async handler(req) {
      return req.page('auth/login', { title: 'Sign in', next: req.query.next, notice: doneNotice(NOTICES, req.query.done) });
    },
  }),

  defineRoute({
    method: 'POST', path: '/login', public: true, html: true, summary: 'Sign in with the form; sets the session cookie',
    body: Type.Object({ email: Type.String({ maxLength: 320 }), password: Type.String({ maxLength: 1024 }), next: Next }),
    async handler(req) {
      const { email, password, next } = req.body;
      const page = { view: 'auth/login', form: 'login', values: { email }, load: async () => ({ title: 'Sign in', next }) };
      return submitForm(req, page, async () => {
        requireFields(req.body, ['email', 'password']);
        await signIn(req, email, password);
        return reply.redirect(safeNext(next));
      });
    },
  }),

  defineRoute({
    // Public, so that signing out of a session that has already ended still lands on the login page.
    method: 'POST', path: '/logout', public: true, html: true, summary: 'Sign out (the layout button)',
    async handler(req) {
      // Without a session (or with a stale CSRF token, which makes the caller anonymous here) nothing ends.
      if (req.principal?.via !== 'session') return reply.redirect('/login');
      await endSession(req);
      await req.audit({ action: 'auth.logout', target: { type: 'user', id: req.principal.id } });
      return reply.redirect('/login?done=signed-out');
    },
  }),
];
