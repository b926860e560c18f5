// A job as the jobs pages show it: its state in words, links to it, and its result laid out — plain
// values as a list of facts, lists of records (an import's failed lines) as tables — and its payload and
// result as JSON for those who run the system.
import type { JobInfo } from 'lectern';

const STATES: Record<JobInfo['state'], string> = {
  waiting: 'Waiting to run', active: 'Running', completed: 'Finished', failed: 'Failed', delayed: 'Waiting for its time',
};
const SUMMARY = 120;

type Cell = string | number | boolean | null;
const isCell = (v: unknown): v is Cell => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const cellText = (v: unknown) => (isCell(v) ? (v === null ? '—' : String(v)) : JSON.stringify(v));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "failedLines" → "Failed lines". */
const words = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().replace(/^./, (c) => c.toUpperCase());

/** A result object's plain values as facts, its lists as tables (a list of records: one column per key). */
function resultLayout(result: unknown) {
  if (!isRecord(result)) return { facts: result === undefined ? [] : [{ label: 'Result', value: cellText(result) }], tables: [] };
  const facts: { label: string; value: string }[] = [];
  const tables: { title: string; count: number; columns: string[]; rows: string[][] }[] = [];
  for (const [key, value] of Object.entries(result)) {
    if (!Array.isArray(value)) {
      facts.push({ label: words(key), value: cellText(value) });
      continue;
    }
    const keys = [...new Set(value.flatMap((item) => (isRecord(item) ? Object.keys(item) : [])))];
    tables.push({
      title: words(key), count: value.length, columns: keys.length ? keys.map(words) : ['Value'],
      rows: value.map((item) => (keys.length && isRecord(item) ? keys.map((k) => cellText(item[k])) : [cellText(item)])),
    });
  }
  return { facts, tables };
}

export function jobView(job: JobInfo) {
  return {
    ...job,
    stateLabel: STATES[job.state],
    failed: job.state === 'failed', finished: job.state === 'completed' || job.state === 'failed',
    adminHref: `/admin/jobs/${encodeURIComponent(job.id)}`,
    errorSummary: job.error && job.error.length > SUMMARY ? `${job.error.slice(0, SUMMARY)}…` : job.error,
    payloadJson: JSON.stringify(job.payload ?? null, null, 2),
    resultJson: job.result === undefined ? undefined : JSON.stringify(job.result, null, 2),
    layout: resultLayout(job.result),
  };
}

export const JOB_STATE_LABELS = STATES;
