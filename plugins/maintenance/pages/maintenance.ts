// The maintenance mode page (/admin/maintenance, maintenance:manage): the mode as it stands (switched on by
// hand or by a planned window) with the form to switch it on (message, optional end time) or off, and the
// planned windows, newest first a page at a time, with the form to plan one. The forms run the same
// actions as the API; a mistake shows the page again with the message beside its field.
import { defineAdminPage, defineRoute, Done, doneNotice, pagerLinks, reply, submitForm, Type, type FormState, type SignedInRequest } from 'lectern';
import { maintenancePermissions } from '../permissions';
import { MESSAGE_MAX } from '../schemas';
import { modeState } from '../mode';
import { ModeCacheRef, toWindow, WINDOWS, type WindowRow } from '../mode-cache';
import { switchMode } from '../actions/mode';
import { planWindow, windowState } from '../actions/windows';
import { byNewest } from '../routes/windows';
import { requiredTime, timeField } from './time-field';

export const MAINTENANCE_PATH = '/admin/maintenance';
const VIEW = 'maintenance/admin/maintenance';
const PAGE_SIZE = 20;
const STATE_LABELS = { planned: 'Planned', active: 'Under way', over: 'Over' };
const NOTICES = {
  on: 'Maintenance mode is on: everyone but administrators gets the maintenance page.',
  off: 'Maintenance mode is off.',
  planned: 'The window is planned: maintenance mode goes on at its start and off at its end by itself.',
  deleted: 'The window is deleted.',
};

const Text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const SwitchForm = Type.Object({ enabled: Type.Union([Type.Literal('on'), Type.Literal('off')]), message: Text(MESSAGE_MAX), until: Text(40) });
const PlanForm = Type.Object({ startsAt: Type.String({ maxLength: 40 }), endsAt: Type.String({ maxLength: 40 }), message: Text(MESSAGE_MAX) });

async function maintenancePage(req: SignedInRequest, cursor: [number] | undefined, forms: Record<string, FormState> = {}): Promise<Record<string, unknown>> {
  const q = req.db(WINDOWS).orderBy('id', 'desc').limit(PAGE_SIZE + 1).select('id', 'starts_at', 'ends_at', 'message');
  if (cursor) q.where('id', '<', cursor[0]);
  const now = req.now();
  const page = byNewest.page(await q as WindowRow[], PAGE_SIZE, toWindow, (w) => [Number(w.id)]);
  const [mode, snapshot] = await Promise.all([modeState(req), req.resolve(ModeCacheRef).snapshot()]);
  const switchedOn = snapshot.switch.enabled && (!snapshot.switch.until || snapshot.switch.until > now);
  return {
    title: 'Maintenance mode', mode, switchedOn, messageMax: MESSAGE_MAX,
    windows: page.items.map((w) => {
      const state = windowState(w, now);
      return { id: w.id, startsAt: w.startsAt.toISOString(), endsAt: w.endsAt.toISOString(), message: w.message, state, stateLabel: STATE_LABELS[state] };
    }),
    pager: pagerLinks(MAINTENANCE_PATH, {}, page.nextCursor, cursor !== undefined),
    forms: { switch: forms.switch ?? { values: {} }, plan: forms.plan ?? { values: {} } },
  };
}

export const maintenanceAdminPage = defineAdminPage({
  path: MAINTENANCE_PATH, title: 'Maintenance mode', permission: maintenancePermissions.manage, view: VIEW,
  query: Type.Object({ cursor: byNewest.cursor, done: Done }),
  load: async (req) => ({ ...(await maintenancePage(req, req.query.cursor)), notice: doneNotice(NOTICES, req.query.done) }),
});

const form = { permission: maintenancePermissions.manage, html: true as const };

export const maintenanceFormRoutes = [
  defineRoute({
    ...form, method: 'POST', path: MAINTENANCE_PATH, body: SwitchForm, summary: 'Switch maintenance mode on or off (form)',
    async handler(req) {
      const page = { view: VIEW, form: 'switch', values: req.body, load: (sent: Record<string, FormState>) => maintenancePage(req, undefined, sent) };
      return submitForm(req, page, async () => {
        const on = req.body.enabled === 'on';
        await switchMode(req, on ? { enabled: true, message: req.body.message, until: timeField(req.body.until, 'until') } : { enabled: false });
        return reply.redirect(`${MAINTENANCE_PATH}?done=${req.body.enabled}`);
      });
    },
  }),
  defineRoute({
    ...form, method: 'POST', path: `${MAINTENANCE_PATH}/windows`, body: PlanForm, summary: 'Plan a maintenance window (form)',
    async handler(req) {
      const page = { view: VIEW, form: 'plan', values: req.body, load: (sent: Record<string, FormState>) => maintenancePage(req, undefined, sent) };
      return submitForm(req, page, async () => {
        const startsAt = requiredTime(req.body.startsAt, 'startsAt');
        const endsAt = requiredTime(req.body.endsAt, 'endsAt');
        await planWindow(req, { startsAt, endsAt, message: req.body.message });
        return reply.redirect(`${MAINTENANCE_PATH}?done=planned`);
      });
    },
  }),
];
