// Switching maintenance mode on or off: checked, written, audited (maintenance.mode.on / .off) and
// announced to every instance in one transaction. The API (routes/mode.ts) and the admin page
// (pages/maintenance.ts) both run it.
import { badRequest, type SignedInRequest } from 'lectern';
import { modeChanged, SWITCH } from '../mode-cache';

export interface ModeInput { enabled: boolean; message?: string; until?: Date }

export async function switchMode(req: SignedInRequest, input: ModeInput): Promise<void> {
  const message = input.message?.trim() || null;
  const until = input.until ?? null;
  if (!input.enabled && (message !== null || until !== null)) {
    throw badRequest('A message and an end time go with switching the mode on.', [
      ...(message !== null ? [{ path: 'body.message', message: 'is only for switching the mode on' }] : []),
      ...(until !== null ? [{ path: 'body.until', message: 'is only for switching the mode on' }] : []),
    ]);
  }
  if (until && until <= req.now()) {
    throw badRequest('The end time has passed: give a time in the future, or none.', [{ path: 'body.until', message: 'is in the past' }]);
  }
  await req.transaction(async (tx) => {
    await tx.db(SWITCH).where({ id: 1 }).update({ enabled: input.enabled, message, until, updated_at: req.now() });
    await tx.audit({
      action: input.enabled ? 'maintenance.mode.on' : 'maintenance.mode.off', target: { type: 'maintenance-mode', id: '1' },
      details: { message, until: until?.toISOString() ?? null },
    });
    await modeChanged(tx);
  });
}
