// Planning and deleting maintenance windows: checked, written, audited and announced to every instance in
// one transaction. The API (routes/windows.ts) and the admin pages (pages/) both run these.
import { badRequest, conflict, notFound, type Knex, type SignedInRequest } from 'lectern';
import { MAX_OPEN_WINDOWS, modeChanged, toWindow, WINDOWS, type WindowRow } from '../mode-cache';
import type { PlannedWindow } from '../mode';

export interface WindowInput { startsAt: Date; endsAt: Date; message?: string }

/** The window, or a 404 naming it. */
export async function loadWindow(db: Knex, id: string): Promise<PlannedWindow> {
  const row: WindowRow | undefined = await db(WINDOWS).where({ id }).first('id', 'starts_at', 'ends_at', 'message');
  if (!row) throw notFound(`maintenance window ${id} does not exist`);
  return toWindow(row);
}

/** A new window: it ends after it starts and after now; at most MAX_OPEN_WINDOWS not yet over. */
export async function planWindow(req: SignedInRequest, input: WindowInput): Promise<PlannedWindow> {
  const now = req.now();
  if (input.endsAt <= input.startsAt) {
    throw badRequest('The window must end after it starts.', [{ path: 'body.endsAt', message: 'is not after the start' }]);
  }
  if (input.endsAt <= now) {
    throw badRequest('The window is over already: plan one that ends in the future.', [{ path: 'body.endsAt', message: 'is in the past' }]);
  }
  const message = input.message?.trim() || null;
  return req.transaction(async (tx) => {
    const [{ open }]: { open: number }[] = await tx.db(WINDOWS).where('ends_at', '>', now).select(tx.db.raw('count(*)::int as open'));
    if (open >= MAX_OPEN_WINDOWS) throw conflict(`At most ${MAX_OPEN_WINDOWS} windows may be planned at once: delete one first.`);
    const [row]: WindowRow[] = await tx.db(WINDOWS).insert({ starts_at: input.startsAt, ends_at: input.endsAt, message, created_at: now })
      .returning(['id', 'starts_at', 'ends_at', 'message']);
    await tx.audit({
      action: 'maintenance.window.plan', target: { type: 'maintenance-window', id: String(row.id) },
      details: { startsAt: input.startsAt.toISOString(), endsAt: input.endsAt.toISOString(), message },
    });
    await modeChanged(tx);
    return toWindow(row);
  });
}

/** Deletes a window; one under way ends now. */
export async function deleteWindow(req: SignedInRequest, id: string): Promise<void> {
  const window = await loadWindow(req.db, id);
  await req.transaction(async (tx) => {
    await tx.db(WINDOWS).where({ id: window.id }).delete();
    await tx.audit({
      action: 'maintenance.window.delete', target: { type: 'maintenance-window', id: window.id },
      details: { startsAt: window.startsAt.toISOString(), endsAt: window.endsAt.toISOString(), message: window.message },
    });
    await modeChanged(tx);
  });
}

/** Where a window stands at `now`. */
export const windowState = (w: PlannedWindow, now: Date): 'planned' | 'active' | 'over' =>
  (now < w.startsAt ? 'planned' : now < w.endsAt ? 'active' : 'over');
