// Maintenance mode as it stands at a moment: the administrator's switch (on, with a message and an
// optional end time, and not yet past it) or a planned window the moment falls in. It is evaluated
// against the clock from the state each instance keeps in memory (mode-cache.ts), so asking costs no query.
import type { PluginContext } from 'lectern';
import { ModeCacheRef } from './mode-cache';

/** What the status API reports (times as ISO strings). */
export interface ModeState { enabled: boolean; message: string | null; until: string | null }

/** The administrator's switch as stored (maintenance_mode). */
export interface ModeSwitch { enabled: boolean; message: string | null; until: Date | null }
export interface PlannedWindow { id: string; startsAt: Date; endsAt: Date; message: string | null }
/** The switch and the windows not yet over, by start time. */
export interface ModeSnapshot { switch: ModeSwitch; windows: PlannedWindow[] }

/** The mode at `now`; `until` is when it goes off by itself (null: only when switched off). */
export interface EffectiveMode { enabled: boolean; message: string | null; until: Date | null }

const OFF: EffectiveMode = { enabled: false, message: null, until: null };

export function effectiveMode(s: ModeSnapshot, now: Date): EffectiveMode {
  const switched = s.switch.enabled && (s.switch.until === null || s.switch.until > now);
  const current = s.windows.filter((w) => w.startsAt <= now && now < w.endsAt);
  if (!switched && !current.length) return OFF;
  const message = (switched ? s.switch.message : null) ?? current.find((w) => w.message)?.message ?? null;
  if (switched && s.switch.until === null) return { enabled: true, message, until: null };
  // On until the switch's end and the end of every window that begins before the mode would go off.
  let end = Math.max(switched && s.switch.until ? s.switch.until.getTime() : 0, ...current.map((w) => w.endsAt.getTime()));
  for (const w of s.windows) if (w.startsAt.getTime() <= end) end = Math.max(end, w.endsAt.getTime());
  return { enabled: true, message, until: new Date(end) };
}

/** The mode now, as the status API and pages report it. */
export async function modeState(ctx: Pick<PluginContext, 'resolve' | 'now'>): Promise<ModeState> {
  const mode = effectiveMode(await ctx.resolve(ModeCacheRef).snapshot(), ctx.now());
  return { enabled: mode.enabled, message: mode.message, until: mode.until?.toISOString() ?? null };
}
