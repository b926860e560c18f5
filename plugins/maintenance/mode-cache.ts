// The maintenance mode each instance keeps in memory: the switch and the windows not yet over, read at
// first use and again at every change notice (modeChanged, in the transaction of the change; other
// instances hear it within milliseconds, or at the next revision poll), so the request guard asks no
// query. The instance that makes a change has read it again before the change's request answers.
import { CoreServices, defineService, type Knex, type PluginContext, type TransactionContext } from 'lectern';
import type { ModeSnapshot, PlannedWindow } from './mode';

export const MODE_REVISION = 'maintenance.mode';
export const SWITCH = 'maintenance_mode';
export const WINDOWS = 'maintenance_windows';
/** The windows not yet over that may be planned at once; all of them fit in the cache. */
export const MAX_OPEN_WINDOWS = 200;

export interface WindowRow { id: string | number; starts_at: Date | string; ends_at: Date | string; message: string | null }

export const toWindow = (r: WindowRow): PlannedWindow => ({
  id: String(r.id), startsAt: new Date(r.starts_at), endsAt: new Date(r.ends_at), message: r.message,
});

async function readSnapshot(db: Knex, now: Date): Promise<ModeSnapshot> {
  const [row, windows]: [{ enabled: boolean; message: string | null; until: Date | string | null } | undefined, WindowRow[]] = await Promise.all([
    db(SWITCH).where({ id: 1 }).first('enabled', 'message', 'until'),
    db(WINDOWS).where('ends_at', '>', now).orderBy([{ column: 'starts_at' }, { column: 'id' }]).limit(MAX_OPEN_WINDOWS)
      .select('id', 'starts_at', 'ends_at', 'message'),
  ]);
  return {
    switch: { enabled: Boolean(row?.enabled), message: row?.message ?? null, until: row?.until ? new Date(row.until) : null },
    windows: windows.map(toWindow),
  };
}

export class ModeCache {
  private current: Promise<ModeSnapshot> | undefined;
  private last: ModeSnapshot | undefined;

  constructor(private readonly ctx: PluginContext) {
    ctx.resolve(CoreServices.revisions).on(MODE_REVISION, async () => {
      const reading = this.read();
      this.current = reading;
      await reading.catch(() => undefined);
    });
  }

  /** The mode's state as last read (read now on first use, or after a read failed). */
  snapshot(): Promise<ModeSnapshot> {
    this.current ??= this.read();
    return this.current;
  }

  /** A failed read keeps the state last read (and the next request reads again); with none, it fails. */
  private read(): Promise<ModeSnapshot> {
    const reading: Promise<ModeSnapshot> = readSnapshot(this.ctx.db, this.ctx.now()).then(
      (s) => { this.last = s; return s; },
      (err: unknown) => {
        if (this.current === reading) this.current = undefined;
        this.ctx.log.warn({ err }, 'could not read the maintenance mode; keeping the state last read');
        if (this.last) return this.last;
        throw err;
      },
    );
    return reading;
  }
}

export const ModeCacheRef = defineService<ModeCache>('maintenance.modeCache');

/** The switch or a window changed: every instance reads the mode again once `tx` commits. */
export async function modeChanged(tx: TransactionContext): Promise<void> {
  await tx.resolve(CoreServices.revisions).bump(MODE_REVISION, tx.db);
}
