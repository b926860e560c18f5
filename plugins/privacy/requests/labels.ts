// What the pages show of a request: its type and status as translation keys, and what can be done with it.
import type { PrivacyRequestView } from './model';

export function shown(r: PrivacyRequestView) {
  return {
    ...r,
    typeKey: `privacy.requests.type.${r.type}`,
    statusKey: `privacy.requests.status.${r.status}`,
    downloadable: r.type === 'export' && r.status === 'ready',
    pending: r.status === 'pending',
  };
}
