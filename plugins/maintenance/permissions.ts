// The maintenance plugin's permissions: running the system (maintenance mode, backups, the job queue)
// and passing through maintenance mode. Administrators hold them all; the IT support team is given them
// by a role an administrator makes.
import { definePermissions } from 'lectern';

export const maintenancePermissions = definePermissions({
  manage: {
    name: 'maintenance:manage', context: 'system', risks: ['config'],
    description: 'Switch maintenance mode on and off, plan maintenance windows and run housekeeping.',
  },
  bypass: {
    name: 'maintenance:bypass', context: 'system',
    description: 'Use the system while maintenance mode is on.',
  },
  backup: {
    name: 'maintenance:backup', context: 'system', risks: ['personal'],
    description: 'Make, list and download backups: a backup holds every record, personal data included.',
  },
  jobs: {
    name: 'maintenance:jobs', context: 'system', risks: ['personal'],
    description: "See every background job (their payloads name people: an import's emails, a reset link's address), retry failed ones and remove them.",
  },
});
