// The content plugin's permissions. Authors (content:create, content:update) write drafts; approvers
// (content:approve) publish them. A content manager (the courses plugin's role) holds all of them.
import { definePermissions } from 'lectern';

export const contentPermissions = definePermissions({
  view: {
    name: 'content:view', context: 'system', description: 'See the content library, every version and draft, and the objectives.',
    defaults: { 'content-manager': 'allow', 'content-author': 'allow', 'content-approver': 'allow', instructor: 'allow' },
  },
  create: {
    name: 'content:create', context: 'system', description: 'Create content (pages, files, videos, links).',
    defaults: { 'content-manager': 'allow', 'content-author': 'allow' },
  },
  update: {
    name: 'content:update', context: 'system', description: 'Edit content as new draft versions, upload files, restore versions, submit for review.',
    defaults: { 'content-manager': 'allow', 'content-author': 'allow' },
  },
  approve: {
    name: 'content:approve', context: 'system', risks: ['escalation'],
    description: 'Approve (publish) or reject content submitted for review, and confirm that published content is still current.',
    defaults: { 'content-manager': 'allow', 'content-approver': 'allow' },
  },
  manageObjectives: {
    name: 'content:manage-objectives', context: 'system', description: 'Create and edit learning objectives.',
    defaults: { 'content-manager': 'allow' },
  },
});
