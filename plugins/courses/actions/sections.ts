// Changes to a course's sections, shared by the JSON API and the course editor: add, rename, move and
// delete. Each runs in one transaction with the course locked (structure changes happen one at a time),
// with its audit record; deleting a section deletes its items and recounts the course (announcing
// courseChanged when it held any).
import type { RouteRequest } from 'lectern';
import { getCourse } from '../model/courses';
import { getSection, lockedSection, type SectionRow } from '../model/sections';
import { renumber } from '../model/positions';
import { recount } from '../model/progress';
import { courseChanged } from '../api';

/** Where a section or item goes: to a position (0 is first), or a number of places from where it is (up is negative). */
export interface Placement { position?: number; shift?: number }

/** The position a placement asks for, from the row's current one; undefined when it stays. */
export const targetPosition = (place: Placement, current: number): number | undefined =>
  place.position ?? (place.shift === undefined ? undefined : Math.max(0, current + place.shift));

export function addSection(req: RouteRequest, courseId: string, input: { title: string; position?: number }): Promise<SectionRow> {
  return req.transaction(async (tx) => {
    await getCourse(tx.db, courseId, { forUpdate: true });
    const [row]: SectionRow[] = await tx.db('courses_sections').insert({ course_id: courseId, title: input.title.trim(), position: 0 }).returning('*');
    row.position = await renumber(tx.db, 'courses_sections', { course_id: courseId }, { id: row.id, position: input.position });
    await tx.audit({ action: 'courses.section.create', target: { type: 'course', id: courseId }, details: { sectionId: String(row.id), title: row.title } });
    return row;
  });
}

/** Renames and/or moves a section; returns it as it is afterwards. */
export function updateSection(req: RouteRequest, courseId: string, sectionId: string, input: { title?: string } & Placement): Promise<SectionRow> {
  return req.transaction(async (tx) => {
    const before = await lockedSection(tx.db, courseId, sectionId);
    if (input.title !== undefined) await tx.db('courses_sections').where({ id: sectionId }).update({ title: input.title.trim(), updated_at: req.now() });
    const position = targetPosition(input, before.position);
    if (position !== undefined) await renumber(tx.db, 'courses_sections', { course_id: courseId }, { id: sectionId, position });
    const fields = [...(input.title !== undefined ? ['title'] : []), ...(position !== undefined ? ['position'] : [])];
    await tx.audit({ action: 'courses.section.update', target: { type: 'course', id: courseId }, details: { sectionId, fields, from: { title: before.title, position: before.position } } });
    return getSection(tx.db, courseId, sectionId);
  });
}

export function deleteSection(req: RouteRequest, courseId: string, sectionId: string): Promise<void> {
  return req.transaction(async (tx) => {
    const before = await lockedSection(tx.db, courseId, sectionId);
    const heldItems = Boolean(await tx.db('courses_items').where({ section_id: sectionId }).first('id'));
    await tx.db('courses_sections').where({ id: sectionId }).delete();
    await renumber(tx.db, 'courses_sections', { course_id: courseId });
    await tx.audit({ action: 'courses.section.delete', target: { type: 'course', id: courseId }, details: { sectionId, title: before.title } });
    await recount(tx, courseId, req.now(), { progress: true });
    if (heldItems) tx.emit(courseChanged, { courseId, changedAt: req.now().toISOString() });
  });
}
