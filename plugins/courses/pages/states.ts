// Words for an enrollment's state, as the pages show them next to a learner's progress.
import type { Enrollment } from '../model/standing';

const LABELS: Record<string, string> = {
  'not-started': 'Not started', 'in-progress': 'In progress', completed: 'Completed', overdue: 'Overdue', expired: 'Expired',
};

/** The enrollment with `stateLabel` (and `alert` for overdue or expired, which need the learner's attention). */
export const withStateLabel = <E extends Enrollment>(e: E) =>
  ({ ...e, stateLabel: e.state ? LABELS[e.state] : null, alert: e.state === 'overdue' || e.state === 'expired' });
