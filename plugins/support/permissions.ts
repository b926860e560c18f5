// The support plugin's permissions for the help center. Reading needs only a sign-in (each article names
// the roles that see it); writing articles and reading their feedback is help:manage.
import { definePermissions } from 'lectern';

export const helpPermissions = definePermissions({
  manage: {
    name: 'help:manage', context: 'system',
    description: 'Write, publish and delete help articles (guides and FAQs), see every article and the feedback on them.',
    defaults: { support: 'allow' },
  },
});
