// The reporting dashboard (/admin/reports, reports:view at the system level): headline numbers and three
// charts drawn on the server — completion rate per course, completions per day, overdue by cohort — each
// followed by its data table; for those who may schedule reports, the way to the scheduled reports; and
// for administrators, the button that rebuilds the summary.
import { defineAdminPage, Done, doneNotice, Type } from 'lectern';
import { reportPermissions } from '../permissions';
import { dashboard } from '../model/dashboard';
import { barChart, columnChart } from '../model/charts';

const NOTICES = { rebuilding: 'The summary is being rebuilt by a job; the reports show the rebuilt numbers when it is done.' };

export const dashboardPage = defineAdminPage({
  path: '/admin/reports', title: 'Reports', permission: reportPermissions.view, view: 'reporting/admin/dashboard', query: Type.Object({ done: Done }),
  async load(req) {
    const [d, canSchedule, canRebuild] = await Promise.all([dashboard(req), req.can(reportPermissions.schedule), req.can(reportPermissions.rebuild)]);
    return {
      ...d, canSchedule, canRebuild, notice: doneNotice(NOTICES, req.query.done),
      courseChart: barChart(d.perCourse.map((c) => ({ label: c.title, value: c.rate, display: `${c.rate}%` })), 100),
      cohortChart: barChart(d.overdueByCohort.map((c) => ({ label: c.name, value: c.overdue, display: String(c.overdue) }))),
      dayChart: columnChart(d.completionsByDay.map((c) => ({ label: c.day, value: c.completions, display: String(c.completions) }))),
    };
  },
});
