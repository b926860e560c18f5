// A schedule as the pages show it: its report and parameters in words (courses, categories and cohorts by name, one
// lookup per page of schedules), its cron, recipients and state.
import type { SignedInRequest } from 'lectern';
import { AuthDirectory } from 'lectern/auth';
import { CourseDirectoryRef } from 'lectern/courses';
import { COURSES } from '../model/summary';
import { iso } from '../model/people';
import { DEFAULT_ACTIVITY_DAYS, type ScheduleRow } from '../model/schedules';
import { COMPLIANCE_STATES, labelOf, LEARNER_STATUSES, REPORTS } from './labels';

/** Categories named in words (they are few; a picker shows as many). */
const CATEGORY_NAMES = 1_000;

interface Names { courses: Map<string, string>; categories: Map<string, string>; cohorts: Map<string, string> }

/** The names of the courses and cohorts the schedules name (cohorts the caller may find; others by id). */
async function namesOf(req: SignedInRequest, rows: ScheduleRow[]): Promise<Names> {
  const courseIds = [...new Set(rows.flatMap((r) => (r.params.courseId ? [r.params.courseId] : [])))];
  const cohortIds = [...new Set(rows.flatMap((r) => (r.params.cohortId ? [r.params.cohortId] : [])))];
  const wantsCategories = rows.some((r) => r.params.categoryId);
  const [courses, categories, cohorts] = await Promise.all([
    courseIds.length ? req.db(COURSES).whereIn('course_id', courseIds).select('course_id', 'title', 'code') as Promise<{ course_id: string | number; title: string; code: string }[]> : [],
    wantsCategories ? req.resolve(CourseDirectoryRef).categories(CATEGORY_NAMES) : [],
    req.resolve(AuthDirectory).visibleCohorts(req.principal, cohortIds),
  ]);
  return {
    courses: new Map(courses.map((c) => [String(c.course_id), `${c.code} (${c.title})`])),
    categories: new Map(categories.map((c) => [c.id, c.name])),
    cohorts: new Map([...cohorts].map(([id, c]) => [id, c.name])),
  };
}

function paramsInWords(r: ScheduleRow, names: Names): string {
  const p = r.params;
  if (r.report === 'activity') {
    return `The ${p.days ?? DEFAULT_ACTIVITY_DAYS} days before each run${p.days === undefined ? ' (the default)' : ''}`;
  }
  const course = p.courseId ? `Course ${names.courses.get(p.courseId) ?? `${p.courseId} (not known to reports)`}`
    : p.categoryId ? `Every course in category ${names.categories.get(p.categoryId) ?? p.categoryId} and beneath it` : 'Every course';
  const cohort = p.cohortId ? `cohort ${names.cohorts.get(p.cohortId) ?? p.cohortId}` : 'every cohort';
  const which = r.report === 'course-completion'
    ? (p.status ? `learners ${labelOf(LEARNER_STATUSES, p.status).toLowerCase()}` : 'every learner')
    : (p.state ? `only ${labelOf(COMPLIANCE_STATES, p.state).toLowerCase()}` : 'every state');
  return `${course}; ${cohort}; ${which}`;
}

/** The schedules as the pages' tables show them. */
export async function describeSchedules(req: SignedInRequest, rows: ScheduleRow[]) {
  const names = await namesOf(req, rows);
  return rows.map((r) => ({
    id: String(r.id), report: r.report, reportLabel: labelOf(REPORTS, r.report), params: paramsInWords(r, names), cron: r.cron,
    recipients: r.recipients, paused: r.paused, nextRunAt: iso(r.next_run_at), createdAt: iso(r.created_at), createdBy: String(r.created_by),
  }));
}
