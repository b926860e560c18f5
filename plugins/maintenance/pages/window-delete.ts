// Deleting a planned maintenance window from the maintenance page: a confirmation page saying what goes
// (a window under way ends at once), then the same action as DELETE /api/v1/system/maintenance/windows/:id.
import { defineRoute, reply, Type } from 'lectern';
import { maintenancePermissions } from '../permissions';
import { WindowId } from '../schemas';
import { deleteWindow, loadWindow, windowState } from '../actions/windows';
import { MAINTENANCE_PATH } from './maintenance';

const form = { permission: maintenancePermissions.manage, html: true as const, params: WindowId };

export const windowDeleteRoutes = [
  defineRoute({
    ...form, method: 'GET', path: `${MAINTENANCE_PATH}/windows/:id/delete`, summary: 'Confirm deleting a maintenance window (page)',
    async handler(req) {
      const w = await loadWindow(req.db, req.params.id);
      return req.page('maintenance/admin/window-delete', {
        title: 'Delete a maintenance window',
        window: { id: w.id, startsAt: w.startsAt.toISOString(), endsAt: w.endsAt.toISOString(), message: w.message, active: windowState(w, req.now()) === 'active' },
      });
    },
  }),
  defineRoute({
    ...form, method: 'POST', path: `${MAINTENANCE_PATH}/windows/:id/delete`, body: Type.Object({}), summary: 'Delete a maintenance window (form)',
    async handler(req) {
      await deleteWindow(req, req.params.id);
      return reply.redirect(`${MAINTENANCE_PATH}?done=deleted`);
    },
  }),
];
