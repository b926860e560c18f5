// The maintenance log of planned windows: every minute, each window whose start or end has passed gets
// its audit record (maintenance.window.start / .end) once — a row per window and edge, written with the
// record, so any number of workers running the job record it once. The mode itself needs no job: every
// instance evaluates the windows against the clock (mode.ts).
import { defineJob, Type } from 'lectern';
import { WINDOWS, type WindowRow } from '../mode-cache';

const EDGES = 'maintenance_window_edges';
const BATCH = 100;

export const recordWindowEdges = defineJob({
  name: 'maintenance.recordWindowEdges',
  payload: Type.Object({}),
  schedule: { cron: '* * * * *', payload: {} },
  async handler(_payload, job) {
    const now = job.now();
    let recorded = 0;
    for (const edge of ['start', 'end'] as const) {
      const column = edge === 'start' ? 'starts_at' : 'ends_at';
      const unrecorded = job.db(EDGES).where({ edge }).whereRaw(`${EDGES}.window_id = ${WINDOWS}.id`).select(job.db.raw('1'));
      const due: WindowRow[] = await job.db(WINDOWS).where(column, '<=', now).whereNotExists(unrecorded)
        .orderBy(column).limit(BATCH).select('id', 'starts_at', 'ends_at', 'message');
      for (const w of due) {
        await job.transaction(async (tx) => {
          const [row] = await tx.db(EDGES).insert({ window_id: w.id, edge, recorded_at: now }).onConflict(['window_id', 'edge']).ignore().returning('window_id');
          if (!row) return;
          await tx.audit({
            action: `maintenance.window.${edge}`, target: { type: 'maintenance-window', id: String(w.id) },
            details: { startsAt: new Date(w.starts_at).toISOString(), endsAt: new Date(w.ends_at).toISOString(), message: w.message },
          });
          recorded += 1;
        });
      }
    }
    return { recorded };
  },
});
