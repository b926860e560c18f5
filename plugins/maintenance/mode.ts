// Maintenance mode as it stands now: switched on (with a message and an optional end time) and not yet
// past its end time.
import type { PluginContext } from 'lectern';

export interface ModeState { enabled: boolean; message: string | null; until: string | null }

interface ModeRow { enabled: boolean; message: string | null; until: Date | string | null }

export async function modeState(ctx: Pick<PluginContext, 'db' | 'now'>): Promise<ModeState> {
  const row: ModeRow | undefined = await ctx.db('maintenance_mode').where({ id: 1 }).first('enabled', 'message', 'until');
  const until = row?.until ? new Date(row.until) : null;
  const on = Boolean(row?.enabled) && (until === null || until > ctx.now());
  return { enabled: on, message: on ? row?.message ?? null : null, until: on && until ? until.toISOString() : null };
}
