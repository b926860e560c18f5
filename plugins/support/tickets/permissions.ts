// The permission of the support team: work through the ticket queue (see every ticket, assign, change
// status, reply and write internal notes). Anyone signed in may open tickets and follow their own.
import { definePermissions } from 'lectern';

export const ticketPermissions = definePermissions({
  handle: {
    name: 'support:handle', context: 'system', risks: ['personal'],
    description: 'Work the support queue: see every ticket, assign it, change its status, reply and add internal notes.',
    defaults: { support: 'allow' },
  },
});
