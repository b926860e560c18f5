// Words for the reports, learner statuses, compliance states and run states, as the pages show them in
// tables, filters and selects.
import type { ReportName } from '../model/schedules';

export interface Choice<V extends string = string> { value: V; label: string }

export const REPORTS: Choice<ReportName>[] = [
  { value: 'course-completion', label: 'Course completion' }, { value: 'compliance', label: 'Compliance' }, { value: 'activity', label: 'Activity' },
];
export const LEARNER_STATUSES: Choice[] = [
  { value: 'completed', label: 'Completed' }, { value: 'in_progress', label: 'In progress' }, { value: 'overdue', label: 'Overdue' }, { value: 'not_started', label: 'Not started' },
];
export const COMPLIANCE_STATES: Choice[] = [
  { value: 'expired', label: 'Expired' }, { value: 'overdue', label: 'Overdue' }, { value: 'due_soon', label: 'Due soon' }, { value: 'expiring_soon', label: 'Expiring soon' },
];
export const RUN_STATES: Choice[] = [{ value: 'queued', label: 'Queued' }, { value: 'sent', label: 'Sent' }, { value: 'failed', label: 'Failed' }];

/** The label of `value` in `list`, or the value itself. */
export const labelOf = (list: Choice[], value: string): string => list.find((c) => c.value === value)?.label ?? value;
