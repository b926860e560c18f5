// The request guard of maintenance mode: while it is on, every request is refused with a 503, its
// Retry-After (seconds until the mode goes off by itself, else the setting retryAfterSeconds) and the
// administrator's message — as the themed error page for a browser, problem+json for the API. Signing in
// and out stay open, and so does everything for holders of maintenance:bypass (administrators); holders
// of maintenance:manage may always reach the switch. The state comes from memory: no query per request.
import { HttpError, type RequestGuard } from 'lectern';
import { effectiveMode } from './mode';
import { ModeCacheRef } from './mode-cache';
import { maintenancePermissions } from './permissions';
import { maintenanceSettings } from './settings';

/** Sign-in and sign-out, by path (the auth plugin's, which this plugin does not depend on). */
const OPEN_PATHS = new Set(['/login', '/logout', '/api/v1/auth/login', '/api/v1/auth/logout', '/api/v1/auth/tokens']);
/** Where maintenance mode is switched off (the API and the admin page). */
const SWITCH_PATHS = /^\/(api\/v1\/system\/maintenance|admin\/maintenance)(\/|$)/;

export const DEFAULT_MESSAGE = 'The system is down for maintenance. Please try again later.';

export const maintenanceGuard: RequestGuard = async (req, ctx) => {
  const now = ctx.now();
  const mode = effectiveMode(await ctx.resolve(ModeCacheRef).snapshot(), now);
  if (!mode.enabled || OPEN_PATHS.has(req.path) || req.path.startsWith('/assets/')) return;
  if (await req.can(maintenancePermissions.bypass)) return;
  if (SWITCH_PATHS.test(req.path) && await req.can(maintenancePermissions.manage)) return;
  const retryAfter = mode.until
    ? Math.max(1, Math.ceil((mode.until.getTime() - now.getTime()) / 1000))
    : (await ctx.settings(maintenanceSettings)).retryAfterSeconds;
  const back = mode.until ? ` Expected back by ${mode.until.toISOString().slice(0, 16).replace('T', ' ')} UTC.` : '';
  throw new HttpError(503, 'maintenance', 'Down for maintenance', `${mode.message ?? DEFAULT_MESSAGE}${back}`, undefined, { 'Retry-After': String(retryAfter) });
};
