// The reporting plugin's permissions. reports:view is checked where the report is about: a course's
// report at the course (so a role granted at a category covers every course beneath it), reports across
// courses at the system level. Instructors see their own courses' reports through their course role.
import { definePermissions } from 'lectern';

export const reportPermissions = definePermissions({
  view: {
    name: 'reports:view', context: 'course', risks: ['personal'],
    description: "See reports: a course's completion and progress per learner; at the system level, transcripts, compliance and activity.",
    defaults: { instructor: 'allow', reporter: 'allow' },
  },
  schedule: {
    name: 'reports:schedule', context: 'system', risks: ['personal'],
    description: 'Schedule reports to be emailed as CSV, pause and delete schedules.',
    defaults: { reporter: 'allow' },
  },
  rebuild: {
    name: 'reports:rebuild', context: 'system',
    description: 'Rebuild the report summary from the courses and auth plugins (after a restore, or to check it).',
    defaults: {},
  },
});
