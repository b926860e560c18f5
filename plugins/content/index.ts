// The content plugin (SOP 4.4): versioned pages, files, videos and links; every change reviewed before
// learners see it; a regular review cycle; learning objectives and their coverage; and delivery of the
// published version to enrolled learners, whose completion follows through the courses plugin.
import path from 'node:path';
import { definePlugin } from 'lectern';
import { contentEvents, ContentLibraryRef } from './api';
import { contentPermissions } from './permissions';
import { contentSettings } from './settings';
import { contentSource, createLibrary } from './source';
import { contentPrivacy } from './privacy';
import { notifyJob } from './notify';
import { flagReviewDue } from './review-cycle';
import { seedContent } from './seed';
import { contentRoutes } from './routes/content';
import { versionRoutes } from './routes/versions';
import { reviewRoutes } from './routes/review';
import { objectiveRoutes } from './routes/objectives';
import { deliveryRoutes } from './routes/delivery';
import { adminPages, pageRoutes } from './pages';

export * from './api';

export default definePlugin({
  name: 'content',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'Versioned content with review before publishing, a review cycle, learning objectives, files and delivery to learners.',
  dependsOn: ['auth', 'courses'],
  settings: contentSettings,
  permissions: contentPermissions,
  roles: [
    { key: 'content-author', name: 'Content author', description: 'Writes content and submits it for review.' },
    { key: 'content-approver', name: 'Content approver', description: 'Reviews submitted content and publishes or rejects it.' },
  ],
  events: contentEvents,
  contributes: [contentSource],
  migrations: path.join(__dirname, 'migrations'),
  views: path.join(__dirname, 'views'),
  lang: path.join(__dirname, 'lang'),
  assets: path.join(__dirname, 'assets'),
  routes: [...contentRoutes, ...versionRoutes, ...reviewRoutes, ...objectiveRoutes, ...deliveryRoutes, ...pageRoutes],
  admin: adminPages,
  jobs: [notifyJob, flagReviewDue],
  privacy: contentPrivacy,
  exports: [ContentLibraryRef],
  register(c) {
    c.bind(ContentLibraryRef, (ctx) => createLibrary(ctx.db));
  },
  seed: seedContent,
});
