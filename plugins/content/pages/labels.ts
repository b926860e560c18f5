// Words for content types and statuses, as the pages show them in lists, filters and selects.
import type { ContentStatus, ContentType } from '../api';

export const TYPES: { value: ContentType; label: string }[] = [
  { value: 'page', label: 'Page' }, { value: 'file', label: 'File' }, { value: 'video', label: 'Video' }, { value: 'link', label: 'Link' },
];
export const STATUSES: { value: ContentStatus; label: string }[] = [
  { value: 'draft', label: 'Draft' }, { value: 'in_review', label: 'In review' }, { value: 'published', label: 'Published' },
];

const labelOf = (list: { value: string; label: string }[], value: string) => list.find((e) => e.value === value)?.label ?? value;
export const typeLabel = (type: string) => labelOf(TYPES, type);

/** Content with `typeLabel` and `statusLabel`. */
export const labelled = <C extends { type: ContentType; status: ContentStatus }>(c: C) =>
  ({ ...c, typeLabel: typeLabel(c.type), statusLabel: labelOf(STATUSES, c.status) });
