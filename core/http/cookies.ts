// Cookies on a request, with safe defaults so a plugin cannot forget them: httpOnly, SameSite=Lax,
// Secure whenever the request came over TLS, path `/`.
import type Koa from 'koa';

export interface CookieOptions {
  expires?: Date;
  maxAge?: number;
  path?: string;
  httpOnly?: boolean;
  sameSite?: 'lax' | 'strict' | 'none';
  secure?: boolean;
}

export interface Cookies {
  get(name: string): string | undefined;
  /** Sets a cookie; `null` clears it. */
  set(name: string, value: string | null, opts?: CookieOptions): void;
}

export function cookiesOf(ctx: Koa.Context): Cookies {
  return {
    get: (name) => ctx.cookies.get(name),
    set: (name, value, opts = {}) => {
      ctx.cookies.set(name, value, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', ...opts, overwrite: true });
    },
  };
}
