// The auth plugin's permissions: who may see, find and manage accounts, and who may shape roles.
import { definePermissions } from 'lectern';

export const authPermissions = definePermissions({
  viewUsers: {
    name: 'users:view', context: 'system', risks: ['personal'],
    description: 'See accounts, their roles and cohorts.', defaults: { support: 'allow' },
  },
  findUsers: {
    name: 'users:find', context: 'system', risks: ['personal'],
    description: 'Find any account or cohort by id, name or email, to enroll it (for instance in a course); see its name and email.',
    defaults: { 'content-manager': 'allow' },
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
