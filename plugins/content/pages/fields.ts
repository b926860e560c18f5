// The content forms' fields as the actions take them. A browser sends "" for an empty field: a blank
// body or URL is none (null), a blank review interval is no review cycle. What the JSON schemas would
// refuse is a 400 on its field here, so the form shows the message beside it; the actions check the rest.
import { badRequest, Type, type FieldError, type Knex } from 'lectern';
import type { ContentType } from '../api';
import type { ContentFields } from '../actions/content';
import { listObjectives, type Objective } from '../model/objectives';
import { IdString } from '../schemas';
import { TYPES } from './labels';

/** The fields of the create and edit forms; each is absent when the form does not show it. */
export const ContentForm = {
  title: Type.String({ maxLength: 300 }),
  body: Type.Optional(Type.String({ maxLength: 200_000 })),
  url: Type.Optional(Type.String({ maxLength: 2_000 })),
  reviewEveryDays: Type.Optional(Type.String({ maxLength: 10 })),
  objectiveIds: Type.Optional(Type.Array(IdString, { maxItems: 100, uniqueItems: true })),
};

export interface ContentFormValues { title: string; body?: string; url?: string; reviewEveryDays?: string; objectiveIds?: string[] }

const orNull = (value: string | undefined, trim: boolean) => (value === undefined ? undefined : value.trim() ? (trim ? value.trim() : value) : null);

/** The form's values as the actions' fields; a blank title or a bad interval is a 400 naming the field (with `errors` found before). */
export function contentFields(v: ContentFormValues, errors: FieldError[] = []): ContentFields & { title: string } {
  const title = v.title.trim();
  if (!title) errors.push({ path: 'body.title', message: 'is required' });
  const days = v.reviewEveryDays?.trim();
  if (days && !(/^[0-9]{1,4}$/.test(days) && Number(days) >= 1 && Number(days) <= 3_650)) {
    errors.push({ path: 'body.reviewEveryDays', message: 'must be a whole number of days from 1 to 3650, or empty' });
  }
  if (errors.length) throw badRequest('Check the marked fields.', errors);
  return {
    title, body: orNull(v.body, false), url: orNull(v.url, true), objectiveIds: v.objectiveIds ?? [],
    reviewEveryDays: days === undefined ? undefined : days ? Number(days) : null,
  };
}

/** The create form's values, its type chosen in a select, as createContent takes them. */
export function newContentFields(v: ContentFormValues & { type: string }): ContentFields & { title: string; type: ContentType } {
  const type = TYPES.find((t) => t.value === v.type)?.value;
  const fields = contentFields(v, type ? [] : [{ path: 'body.type', message: 'is required: a page, file, video or link' }]);
  return { ...fields, type: type as ContentType };
}

const OBJECTIVE_CHOICES = 500;

/** Every objective (by code, up to 500), for the forms' multiple selects. */
export const allObjectives = async (db: Knex) => (await listObjectives(db, { limit: OBJECTIVE_CHOICES })).items;

/** The objectives as options of a multiple select, the `chosen` ones selected. */
export function objectiveOptions(objectives: Objective[], chosen: unknown) {
  const ids = new Set([chosen ?? []].flat().map(String));
  return objectives.map((o) => ({ value: o.id, label: `${o.code} — ${o.title}`, selected: ids.has(o.id) }));
}
