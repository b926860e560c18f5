// Who may see every certificate and who may revoke one. Learners need no permission for their own
// certificates, and anyone may verify a code; these two are for the people who run the programme.
import { definePermissions } from 'lectern';

export const certificatesPermissions = definePermissions({
  viewAll: {
    name: 'certificates:view-all', context: 'system', risks: ['personal'],
    description: 'See and download every certificate.', defaults: { registrar: 'allow' },
  },
  revoke: {
    name: 'certificates:revoke', context: 'system', risks: ['personal'],
    description: 'Revoke a certificate (it then verifies as revoked).', defaults: { registrar: 'allow' },
  },
});
