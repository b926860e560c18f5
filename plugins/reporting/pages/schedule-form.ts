// The "Schedule a report" form's fields as POST /api/v1/reports/schedules takes them. A browser sends ""
// for an empty field and the recipients as one text, so what the API's schema (schemas.ts NewScheduleBody)
// would refuse is a 400 on its field here, with the schema's own limits; the action checks the rest.
import { badRequest, Type, type FieldError, type Static } from 'lectern';
import { fullFormats } from 'ajv-formats/dist/formats';
import { REPORT_PARAMS, type ScheduleParams } from '../model/schedules';
import {
  ActivityDaysSchema, ComplianceStateSchema, CronSchema, IdString, LearnerStatusSchema, RecipientSchema, RecipientsSchema, ReportNameSchema,
  type NewSchedule,
} from '../schemas';
import { labelOf, REPORTS } from './labels';

const Blank = Type.Literal('');
/** Room for the most recipients the API takes, each as long as it allows, with separators. */
export const RECIPIENTS_TEXT = (RecipientsSchema.maxItems ?? 100) * ((RecipientSchema.maxLength ?? 254) + 2);

export const ScheduleForm = Type.Object({
  report: Type.Union([Blank, ReportNameSchema]),
  courseId: Type.Optional(Type.Union([Blank, IdString])),
  categoryId: Type.Optional(Type.Union([Blank, IdString])),
  cohortId: Type.Optional(Type.Union([Blank, IdString])),
  status: Type.Optional(Type.Union([Blank, LearnerStatusSchema])),
  state: Type.Optional(Type.Union([Blank, ComplianceStateSchema])),
  days: Type.Optional(Type.String({ maxLength: 10 })),
  cron: Type.String({ maxLength: CronSchema.maxLength }),
  recipients: Type.String({ maxLength: RECIPIENTS_TEXT }),
});
export type ScheduleFormValues = Static<typeof ScheduleForm>;

/** The check the API's `format: 'email'` makes: the core validates with ajv-formats' full formats. */
const EMAIL = fullFormats.email;
const isEmail = (text: string) => EMAIL instanceof RegExp && EMAIL.test(text);

/** The form's values as the action takes them; every field the API's schema would refuse is a 400 naming it. */
export function newSchedule(v: ScheduleFormValues): NewSchedule {
  const errors: FieldError[] = [];
  const report = v.report || undefined;
  if (!report) errors.push({ path: 'body.report', message: 'is required: choose one' });
  const given: ScheduleParams = {
    courseId: v.courseId || undefined, categoryId: v.categoryId || undefined, cohortId: v.cohortId || undefined, status: v.status || undefined, state: v.state || undefined,
    days: daysOf(v.days, errors),
  };
  const params: ScheduleParams = {};
  for (const name of Object.keys(given) as (keyof ScheduleParams)[]) {
    if (given[name] === undefined || !report) continue;
    if (REPORT_PARAMS[report].includes(name)) Object.assign(params, { [name]: given[name] });
    else errors.push({ path: `body.${name}`, message: `is not used by the ${labelOf(REPORTS, report).toLowerCase()} report: leave it empty` });
  }
  const cron = cronOf(v.cron, errors);
  const recipients = recipientsOf(v.recipients, errors);
  if (errors.length || !report) throw badRequest('Check the marked fields.', errors);
  return { report, params, cron, recipients };
}

function daysOf(text: string | undefined, errors: FieldError[]): number | undefined {
  const days = text?.trim();
  if (!days) return undefined;
  const { minimum = 1, maximum = 366 } = ActivityDaysSchema;
  if (/^[0-9]{1,4}$/.test(days) && Number(days) >= minimum && Number(days) <= maximum) return Number(days);
  errors.push({ path: 'body.days', message: `must be a whole number of days from ${minimum} to ${maximum}, or empty` });
  return undefined;
}

function cronOf(text: string, errors: FieldError[]): string {
  const cron = text.trim().replace(/\s+/g, ' ');
  if (!cron) errors.push({ path: 'body.cron', message: 'is required' });
  else if (cron.length < (CronSchema.minLength ?? 0)) errors.push({ path: 'body.cron', message: 'is not a cron expression: give five fields, e.g. "0 6 * * 1"' });
  return cron;
}

/** The addresses, one per line or separated by commas or semicolons, each once. */
function recipientsOf(text: string, errors: FieldError[]): string[] {
  const addresses = [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
  const most = RecipientsSchema.maxItems ?? 100;
  const bad = addresses.filter((a) => a.length > (RecipientSchema.maxLength ?? 254) || !isEmail(a));
  if (!addresses.length) errors.push({ path: 'body.recipients', message: 'is required: at least one email address' });
  else if (addresses.length > most) errors.push({ path: 'body.recipients', message: `has more than ${most} addresses` });
  if (bad.length) errors.push({ path: 'body.recipients', message: `holds ${bad.length > 1 ? 'entries that are not email addresses' : 'an entry that is not an email address'}: ${bad.slice(0, 5).join(', ')}` });
  return addresses;
}
