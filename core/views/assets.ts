// Serves the active theme's static files at /assets/<file>. The engine decides which file (extends
// fallback, no traversal); koa-send streams it with the right Content-Type. Misses fall through.
import path from 'node:path';
import type Koa from 'koa';
import send from 'koa-send';
import type { ViewEngine } from './engine';

const PREFIX = '/assets/';
/** Asset URLs are not fingerprinted, so caches revalidate hourly rather than keep them forever. */
const MAX_AGE_SECONDS = 3600;

export function serveAssets(engine: ViewEngine): Koa.Middleware {
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || !ctx.path.startsWith(PREFIX)) return next();
    let file: string;
    try {
      file = decodeURIComponent(ctx.path.slice(PREFIX.length));
    } catch {
      return next();
    }
    const abs = engine.assetPath(file);
    if (!abs) return next();
    try {
      // koa-send decodes the path again, so hand it the encoded name inside its own directory.
      await send(ctx, encodeURIComponent(path.basename(abs)), {
        root: path.dirname(abs), index: false, hidden: false, gzip: false, brotli: false,
        setHeaders: (res) => {
          res.setHeader('Cache-Control', `public, max-age=${MAX_AGE_SECONDS}`);
          res.setHeader('X-Content-Type-Options', 'nosniff');
        },
      });
    } catch (err) {
      if ((err as { status?: number }).status === 404) return next(); // removed since assetPath looked
      throw err;
    }
  };
}
