// The privacy plugin's permissions. privacy:manage decides data-protection requests about anyone (and
// reads their export bundles), publishes policies, sets retention and reads the security report, so it
// carries the personal and configuration risks; the privacy-officer role holds it, as administrators do.
import { definePermissions } from 'lectern';

export const privacyPermissions = definePermissions({
  manage: {
    name: 'privacy:manage', context: 'system', risks: ['personal', 'config'],
    description: "Ask for, approve and reject anyone's data export or erasure and download their exports; publish policies, "
      + 'set how long personal data is kept, and read the security report.',
    defaults: { 'privacy-officer': 'allow' },
  },
  bypassPolicies: {
    name: 'privacy:bypassPolicies', context: 'system',
    description: 'Use the system without having accepted the current policies (administrators, integration accounts).',
  },
});
