// Retention of ticket history: closed tickets (with their comments, by the foreign key's cascade) are
// deleted once closed before a cut-off. The privacy plugin's retention runs it as the `support.tickets`
// kind, with the cut-off its policy gives (N days before now).
import type { PluginContext, RetentionKind } from 'lectern';
import { TICKETS } from './model';

/** Deletes the tickets closed before `before`; returns how many. */
export async function pruneClosedTickets(before: Date, ctx: PluginContext): Promise<number> {
  return ctx.transaction(async (tx) => {
    const deleted: unknown[] = await tx.db(TICKETS).where({ status: 'closed' }).where('closed_at', '<', before).delete(['id']);
    if (deleted.length) await tx.audit({ action: 'support.tickets.prune', target: { type: 'support-tickets', id: before.toISOString() }, details: { deleted: deleted.length } });
    return deleted.length;
  });
}

/** Closed tickets as the privacy plugin's retention sees them (kept for ever until an administrator says otherwise). */
export const ticketRetention: RetentionKind = {
  kind: 'support.tickets', label: 'Closed support tickets with their comments', defaultDays: 0, prune: pruneClosedTickets,
};
