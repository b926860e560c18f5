// PUT /api/v1/system/maintenance (API.md "Health, system, jobs"): switches maintenance mode on (with a
// message and an optional end time) or off; answers the mode as it now stands, planned windows included.
import { defineRoute } from 'lectern';
import { maintenancePermissions } from '../permissions';
import { MaintenanceState, SwitchBody } from '../schemas';
import { switchMode } from '../actions/mode';
import { modeState } from '../mode';

export const switchModeRoute = defineRoute({
  method: 'PUT', path: '/api/v1/system/maintenance', permission: maintenancePermissions.manage, body: SwitchBody,
  summary: 'Switch maintenance mode on or off', responses: { 200: MaintenanceState },
  async handler(req) {
    const { enabled, message, until } = req.body;
    await switchMode(req, { enabled, message, until: until === undefined ? undefined : new Date(until) });
    return modeState(req);
  },
});
