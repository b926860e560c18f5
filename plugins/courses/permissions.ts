// The courses plugin's permissions. Enrollment gives them meaning: a learner is assigned the `learner`
// role at the course's context and an instructor the `instructor` role, so what each may do in a course
// follows from these defaults, and a role assigned at a category applies to every course beneath it.
import { definePermissions } from 'lectern';

export const coursePermissions = definePermissions({
  view: {
    name: 'courses:view', context: 'course', description: 'See a published course, its sections and items.',
    defaults: { learner: 'allow', instructor: 'allow', 'content-manager': 'allow' },
  },
  create: {
    name: 'courses:create', context: 'system', description: 'Create courses, also from templates.',
    defaults: { 'content-manager': 'allow' },
  },
  update: {
    name: 'courses:update', context: 'course', description: 'Edit, publish and archive a course, its sections and items; see it while it is a draft.',
    defaults: { instructor: 'allow', 'content-manager': 'allow' },
  },
  delete: {
    name: 'courses:delete', context: 'course', risks: ['data-loss'], description: 'Delete a course nobody was ever enrolled in.',
    defaults: { 'content-manager': 'allow' },
  },
  manage: {
    name: 'courses:manage', context: 'system', description: 'Create and arrange categories; move courses between them.',
    defaults: { 'content-manager': 'allow' },
  },
  enroll: {
    name: 'courses:enroll', context: 'course', risks: ['personal', 'escalation'],
    description: 'See who is enrolled in a course; enroll learners and instructors, one by one, by CSV or by cohort; unenroll them.',
    defaults: { instructor: 'allow', 'content-manager': 'allow' },
  },
  monitor: {
    name: 'courses:monitor', context: 'course', risks: ['personal'], description: "See every learner's progress in a course.",
    defaults: { instructor: 'allow', 'content-manager': 'allow' },
  },
});
