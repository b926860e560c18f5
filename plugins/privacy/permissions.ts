// The privacy plugin's permissions. privacy:manage decides data-protection requests about anyone (and
// reads their export bundles), so it carries the personal risk; the privacy-officer role holds it.
import { definePermissions } from 'lectern';

export const privacyPermissions = definePermissions({
  manage: {
    name: 'privacy:manage', context: 'system', risks: ['personal'],
    description: "Ask for, approve and reject anyone's data export or erasure, and download their exports.",
    defaults: { 'privacy-officer': 'allow' },
  },
});
