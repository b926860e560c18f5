// Serves the current theme's static files at /assets/<file>, and the stylesheet generated from the
// theme's settings at /assets/theme-settings.css (CSP forbids inline styles). The engine decides which
// file (parent fallback, no traversal); koa-send streams it with the right Content-Type. A request whose
// `v` is the file's fingerprint (the `{{asset}}` helper's URLs) may be cached forever; misses fall through.
import path from 'node:path';
import type Koa from 'koa';
import send from 'koa-send';
import type { ViewEngine } from './engine';

const PREFIX = '/assets/';
export const THEME_SETTINGS_CSS = 'theme-settings.css';
/** Unfingerprinted URLs: caches revalidate hourly rather than keep them forever. */
const MAX_AGE_SECONDS = 3600;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** What the current appearance is: the `theme` and `themeSettings` core settings. */
export type Appearance = () => Promise<{ theme?: string; themeSettings: Record<string, string> }>;

export function serveAssets(engine: ViewEngine, appearance: Appearance): Koa.Middleware {
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || !ctx.path.startsWith(PREFIX)) return next();
    let file: string;
    try {
      file = decodeURIComponent(ctx.path.slice(PREFIX.length));
    } catch {
      return next();
    }
    const current = await appearance();
    const theme = engine.pick(current.theme);
    if (file === THEME_SETTINGS_CSS) {
      ctx.type = 'text/css; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.set('X-Content-Type-Options', 'nosniff');
      // Only the values someone set: the theme's own stylesheet holds its defaults (and its dark variants).
      const declared = engine.settingsOf(theme);
      ctx.body = themeStylesheet(Object.fromEntries(Object.entries(current.themeSettings).filter(([key]) => key in declared)));
      return;
    }
    const abs = engine.assetPath(file, theme);
    if (!abs) return next();
    const cache = ctx.query['v'] === engine.fingerprint(abs) ? IMMUTABLE : `public, max-age=${MAX_AGE_SECONDS}`;
    try {
      // koa-send decodes the path again, so hand it the encoded name inside its own directory.
      await send(ctx, encodeURIComponent(path.basename(abs)), {
        root: path.dirname(abs), index: false, hidden: false, gzip: false, brotli: false,
        setHeaders: (res) => {
          res.setHeader('Cache-Control', cache);
          res.setHeader('X-Content-Type-Options', 'nosniff');
        },
      });
    } catch (err) {
      if ((err as { status?: number }).status === 404) return next(); // removed since assetPath looked
      throw err;
    }
  };
}

/** `:root { --accent: #123456; }` from the colour settings (values were checked against /^#[0-9a-f]{6}$/i). */
export function themeStylesheet(values: Record<string, string>): string {
  const colours = Object.entries(values).filter(([, v]) => /^#[0-9a-fA-F]{6}$/.test(v));
  const vars = colours.map(([key, v]) => `  --${cssName(key)}: ${v};`);
  // `accentColor` is the one every theme's stylesheet uses as `--accent`.
  const accent = values['accentColor'];
  if (accent && /^#[0-9a-fA-F]{6}$/.test(accent)) vars.push(`  --accent: ${accent};`);
  return `:root {\n${vars.join('\n')}\n}\n`;
}

function cssName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
