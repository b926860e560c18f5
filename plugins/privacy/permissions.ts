// The privacy plugin's permissions. Administrators hold them all.
import { definePermissions } from 'lectern';

export const privacyPermissions = definePermissions({
  manage: {
    name: 'privacy:manage', context: 'system', risks: ['personal', 'config'],
    description: 'Publish policies, set how long personal data is kept, and read the security report.',
  },
  bypassPolicies: {
    name: 'privacy:bypassPolicies', context: 'system',
    description: 'Use the system without having accepted the current policies (administrators, integration accounts).',
  },
});
