// The auth plugin's permissions: who may see and manage accounts, and who may shape roles.
import { definePermissions } from 'lectern';

export const authPermissions = definePermissions({
  viewUsers: {
    name: 'users:view', context: 'system', risks: ['personal'],
    description: 'See accounts, their roles and cohorts.', defaults: { support: 'allow' },
  },
  manageUsers: {
    name: 'users:manage', context: 'system', risks: ['personal', 'config'],
    description: 'Create, edit, deactivate and import accounts; manage cohorts.',
  },
  manageRoles: {
    name: 'roles:manage', context: 'system', risks: ['config', 'escalation'],
    description: 'Create and edit roles and assign them to users.',
  },
});
