// Helpers for the auth tests: real accounts with real credentials (no test identity header).
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { SYSTEM, type ContextRef, type TestApp } from 'lectern';
import { hashPassword } from '../../../plugins/auth/passwords';

export const PASSWORD = 'correct horse battery';

export interface Account { id: string; email: string; token: string; auth: { Authorization: string } }

/** Creates an active user with PASSWORD (and roles at the system or a given context) and an API token. */
export async function account(t: TestApp, email: string, roles: string[] = [], context: ContextRef = SYSTEM): Promise<Account> {
  const [row] = await t.db('auth_users').insert({ email, name: email.split('@')[0], password_hash: await hashPassword(PASSWORD) }).returning('id');
  const id = String(row.id);
  for (const role of roles) await t.app.permissions.assign(id, role, context);
  const res = await t.post('/api/v1/auth/tokens').send({ email, password: PASSWORD });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return { id, email, token: res.body.token, auth: { Authorization: `Bearer ${res.body.token}` } };
}

/** Logs in with the session cookie; returns the cookie header and CSRF token. */
export async function login(t: TestApp, email: string, password = PASSWORD): Promise<{ cookie: string; csrf: string }> {
  const res = await t.post('/api/v1/auth/login').send({ email, password });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = set.map((c) => c.split(';')[0]).find((c) => c.startsWith('lectern_session=')) as string;
  expect(cookie, 'session cookie').to.be.a('string');
  return { cookie, csrf: res.body.csrfToken };
}

/** The emails in the outbox so far (newest last), decoded from quoted-printable. */
export function outbox(t: TestApp): { to: string; subject: string; text: string }[] {
  const dir = path.join(t.app.config.dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).sort().map((f) => {
    const raw = fs.readFileSync(path.join(dir, f), 'utf8');
    const [head, ...body] = raw.split(/\r?\n\r?\n/);
    const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1] ?? '';
    const text = body.join('\n\n').replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return { to: header('To'), subject: header('Subject'), text };
  });
}

/** The token of the last link emailed to `email`. */
export function linkToken(t: TestApp, email: string): string {
  const mail = outbox(t).filter((m) => m.to.toLowerCase().includes(email.toLowerCase())).pop();
  const token = mail && /[?&]token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error(`no link emailed to ${email}`);
  return token;
}

/** A page as a browser gets it: status, text with whitespace runs collapsed, and where a redirect points. */
export interface PageAnswer { status: number; text: string; location: string }

/**
 * Requests as a signed-in browser (its session cookie, and its `_csrf` field on every form post), for
 * tests of pages and their forms.
 */
export function browser(t: TestApp) {
  const answer = (res: { status: number; text: string; headers: Record<string, string> }): PageAnswer =>
    ({ status: res.status, text: res.text.replace(/\s+/g, ' '), location: res.headers.location ?? '' });
  return {
    get: async (s: { cookie: string }, url: string) => answer(await t.get(url).set('Cookie', s.cookie).set('Accept', 'text/html')),
    post: async (s: { cookie: string; csrf: string }, url: string, body: Record<string, string> = {}) =>
      answer(await t.post(url).set('Cookie', s.cookie).type('form').send({ ...body, _csrf: s.csrf })),
  };
}
