// The reporting plugin (SOP 4.5): completion, transcripts, compliance and activity reports over a summary
// kept current from the courses and auth plugins' events (durable subscribers) and rebuildable from them.
// The course editor links a course's report and the account's admin page a person's transcript.
import path from 'node:path';
import { contribute, definePlugin } from 'lectern';
import { userLinks } from 'lectern/auth';
import { courseLinks } from 'lectern/courses';
import { reportPermissions } from './permissions';
import { reportSettings } from './settings';
import { reportingSubscriptions } from './sync';
import { rebuildCommand, rebuildRoutes, rebuildSummary, seedSummary } from './rebuild';
import { reportingPrivacy } from './privacy';
import { CompletionAnswers, CompletionAnswersRef } from './answers';
import { completionRoute } from './routes/completion';
import { complianceRoute } from './routes/compliance';
import { activityRoute } from './routes/activity';
import { transcriptRoute } from './routes/transcript';
import { scheduleRoutes } from './routes/schedules';
import { deliverReport, runDueSchedules } from './deliveries';
import { dashboardPage } from './pages/dashboard';
import { courseReportPage } from './pages/course-report';
import { transcriptPages } from './pages/transcript';
import { createScheduleRoute, schedulesAdminPage } from './pages/schedules';
import { schedulePageRoutes } from './pages/schedule';

export * from './api';

export default definePlugin({
  name: 'reporting',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'Course completion, transcripts, compliance and activity reports, scheduled reports and dashboards.',
  dependsOn: ['auth', 'courses', 'content'],
  settings: reportSettings,
  permissions: reportPermissions,
  roles: [{ key: 'reporter', name: 'Reporter', description: 'Reads reports where granted (system, a category or a course) and schedules them.' }],
  contributes: [
    contribute(courseLinks, { label: 'Completion report', href: (id) => `/reports/courses/${id}`, permission: reportPermissions.view }),
    contribute(userLinks, { label: 'Transcript', href: (id) => `/reports/learners/${id}`, permission: reportPermissions.view }),
  ],
  migrations: path.join(__dirname, 'migrations'),
  routes: [...rebuildRoutes, completionRoute, complianceRoute, activityRoute, transcriptRoute, ...scheduleRoutes, courseReportPage, ...transcriptPages,
    createScheduleRoute, ...schedulePageRoutes],
  views: path.join(__dirname, 'views'),
  lang: path.join(__dirname, 'lang'),
  admin: [dashboardPage, schedulesAdminPage],
  nav: [{ title: 'My transcript', path: '/my/transcript' }],
  jobs: [rebuildSummary, runDueSchedules, deliverReport],
  commands: [rebuildCommand],
  seed: seedSummary,
  subscribe: reportingSubscriptions,
  privacy: reportingPrivacy,
  register(c) {
    c.bind(CompletionAnswersRef, (ctx) => new CompletionAnswers(ctx));
  },
});
