// Planned maintenance windows (API.md "Health, system, jobs"): plan one, list them newest first a page at
// a time, delete one. A window switches maintenance mode on at its start and off at its end by itself.
import { defineRoute, keyset, reply, Type } from 'lectern';
import { maintenancePermissions } from '../permissions';
import { MaintenanceWindow, NewWindowBody, WindowId, WindowPage } from '../schemas';
import { deleteWindow, planWindow, windowState } from '../actions/windows';
import { toWindow, WINDOWS, type WindowRow } from '../mode-cache';
import type { PlannedWindow } from '../mode';

const PATH = '/api/v1/system/maintenance/windows';
/** Windows: newest first, by id. */
export const byNewest = keyset('int');

export const windowJson = (w: PlannedWindow, now: Date) => ({
  id: w.id, startsAt: w.startsAt.toISOString(), endsAt: w.endsAt.toISOString(), message: w.message, state: windowState(w, now),
});

export const windowRoutes = [
  defineRoute({
    method: 'POST', path: PATH, permission: maintenancePermissions.manage, body: NewWindowBody,
    summary: 'Plan a maintenance window', responses: { 201: MaintenanceWindow }, errors: [409],
    async handler(req) {
      const { startsAt, endsAt, message } = req.body;
      const window = await planWindow(req, { startsAt: new Date(startsAt), endsAt: new Date(endsAt), message });
      return reply.created(windowJson(window, req.now()));
    },
  }),
  defineRoute({
    method: 'GET', path: PATH, permission: maintenancePermissions.manage, query: Type.Object({ ...byNewest.query }),
    summary: 'Maintenance windows, newest first', responses: { 200: WindowPage },
    async handler(req) {
      const { limit, cursor } = req.query;
      const q = req.db(WINDOWS).orderBy('id', 'desc').limit(limit + 1).select('id', 'starts_at', 'ends_at', 'message');
      if (cursor) q.where('id', '<', cursor[0]);
      const now = req.now();
      return byNewest.page(await q as WindowRow[], limit, (r) => windowJson(toWindow(r), now), (r) => [Number(r.id)]);
    },
  }),
  defineRoute({
    method: 'DELETE', path: `${PATH}/:id`, permission: maintenancePermissions.manage, params: WindowId,
    summary: 'Delete a maintenance window (one under way ends now)', responses: { 204: null },
    async handler(req) {
      await deleteWindow(req, req.params.id);
      return reply.noContent();
    },
  }),
];
