// Charts drawn on the server as SVG geometry (no script, no CDN): the view places one <rect> per bar and
// puts the same numbers in a table for screen readers. Horizontal bars for categories, columns for time.

export interface Bar { label: string; value: number; display: string }

const ROW = 28;
const LABEL = 180;
const WIDTH = 640;

/** Horizontal bars scaled to `max` (default: the largest value). */
export function barChart(bars: Bar[], max = Math.max(1, ...bars.map((b) => b.value))) {
  const span = WIDTH - LABEL - 60;
  return {
    width: WIDTH, height: Math.max(ROW, bars.length * ROW),
    bars: bars.map((b, i) => ({
      ...b, y: i * ROW + 4, textY: i * ROW + 19, x: LABEL, valueX: LABEL + Math.round((b.value / max) * span) + 6,
      length: Math.max(b.value > 0 ? 2 : 0, Math.round((b.value / max) * span)), height: ROW - 8,
    })),
  };
}

/** Vertical columns over time, one per period. */
export function columnChart(columns: Bar[]) {
  const height = 180;
  const max = Math.max(1, ...columns.map((c) => c.value));
  const step = Math.max(4, Math.floor((WIDTH - 40) / Math.max(1, columns.length)));
  return {
    width: WIDTH, height: height + 24, max,
    columns: columns.map((c, i) => {
      const h = Math.round((c.value / max) * height);
      return { ...c, x: 30 + i * step, y: height - h, width: Math.max(2, step - 2), height: h };
    }),
  };
}
