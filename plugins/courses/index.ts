// The courses plugin: categories, courses and templates, sections and items, the catalog, enrollment
// (single, CSV, cohort, self), progress and completion, and recertification (SOP 4.2 and the enrollment
// half of 4.3). Built on the core's public API and the auth plugin's directory and cohort events.
import path from 'node:path';
import { contribute, definePlugin, homePanels } from 'lectern';
import { coursePermissions } from './permissions';
import { courseSettings } from './settings';
import { contentSources, courseEvents, courseLinks, CourseDirectoryRef, CourseProgressRef } from './api';
import { createCourseDirectory } from './directory';
import { createCourseProgress } from './actions/progress';
import { coursePrivacy } from './privacy';
import { categoryRoutes } from './routes/categories';
import { catalogRoutes } from './routes/catalog';
import { courseRoutes } from './routes/courses';
import { sectionRoutes } from './routes/sections';
import { itemRoutes } from './routes/items';
import { enrollmentRoutes } from './routes/enrollments';
import { cohortRoutes } from './routes/cohorts';
import { importRoutes } from './routes/import';
import { progressRoutes } from './routes/progress';
import { meRoutes } from './routes/me';
import { cohortSubscriptions, enrollCohort } from './cohorts';
import { importEnrollments } from './import/job';
import { recertify } from './recertify';
import { adminPages, pageRoutes } from './pages';
import { myCoursesPanel } from './pages/home-panel';
import { CourseAnswers, CourseAnswersRef } from './answers';
import { CompletionWriter, CompletionWriterRef } from './completions';
import { courseContextChoices } from './context-choices';
import { seedCourses } from './seed';

export * from './api';

export default definePlugin({
  name: 'courses',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'Course catalog, templates, sections and items, enrollment, completion and recertification.',
  dependsOn: ['auth'],
  settings: courseSettings,
  permissions: coursePermissions,
  roles: [
    { key: 'learner', name: 'Learner', description: 'Takes courses.' },
    { key: 'instructor', name: 'Instructor', description: 'Teaches courses and follows learners.' },
    { key: 'content-manager', name: 'Content manager', description: 'Creates, reviews and publishes content and courses.' },
  ],
  events: courseEvents,
  extensionPoints: [contentSources, courseLinks],
  contributes: [...courseContextChoices, contribute(homePanels, myCoursesPanel)],
  migrations: path.join(__dirname, 'migrations'),
  lang: path.join(__dirname, 'lang'),
  views: path.join(__dirname, 'views'),
  assets: path.join(__dirname, 'assets'),
  routes: [
    ...categoryRoutes, ...catalogRoutes, ...courseRoutes, ...sectionRoutes, ...itemRoutes, ...enrollmentRoutes,
    ...cohortRoutes, ...importRoutes, ...progressRoutes, ...meRoutes, ...pageRoutes,
  ],
  admin: adminPages,
  nav: [{ title: 'Course catalog', path: '/courses' }, { title: 'My courses', path: '/my/courses' }],
  jobs: [importEnrollments, enrollCohort, recertify],
  subscribe: cohortSubscriptions,
  privacy: coursePrivacy,
  exports: [CourseDirectoryRef, CourseProgressRef],
  register(c) {
    c.bind(CourseDirectoryRef, createCourseDirectory);
    c.bind(CourseProgressRef, createCourseProgress);
    c.bind(CourseAnswersRef, (ctx) => new CourseAnswers(ctx));
    c.bind(CompletionWriterRef, (ctx) => new CompletionWriter(ctx));
  },
  seed: seedCourses,
});
