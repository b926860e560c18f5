// Changes to the items of a course, shared by the JSON API and the course editor: place published
// content in a section, retitle an item, make it required or optional, move it (within its section or
// to another of the course) and remove it. Whether an item is required decides completion, so a change
// to that recounts the course and its learners' progress, in the same transaction; adding, removing and
// that change announce courseChanged (a title or a position does not change anyone's standing).
import { badRequest, type RouteRequest } from 'lectern';
import { getItem, getSection, lockedSection, type ItemRow } from '../model/sections';
import { renumber } from '../model/positions';
import { publishedContent } from '../model/content';
import { recount } from '../model/progress';
import { coursesChanged } from '../changes';
import { courseChanged } from '../api';
import { targetPosition, type Placement } from './sections';

export interface NewItem { contentId: string; title?: string; required?: boolean; position?: number }
export interface ItemChanges extends Placement { title?: string; required?: boolean; sectionId?: string }

/** Places content (checked through the content sources: known and published) as an item, required unless said otherwise. */
export async function addItem(req: RouteRequest, courseId: string, sectionId: string, input: NewItem): Promise<ItemRow> {
  const content = await publishedContent(req, input.contentId, 'body.contentId');
  return req.transaction(async (tx) => {
    await lockedSection(tx.db, courseId, sectionId);
    const [row]: ItemRow[] = await tx.db('courses_items').insert({
      course_id: courseId, section_id: sectionId, content_id: input.contentId, title: input.title?.trim() || content.title,
      required: input.required ?? true, position: 0,
    }).returning('*');
    row.position = await renumber(tx.db, 'courses_items', { section_id: sectionId }, { id: row.id, position: input.position });
    if (row.required) await recount(tx, courseId, req.now(), { progress: false });
    else await coursesChanged(tx);
    tx.emit(courseChanged, { courseId, changedAt: req.now().toISOString() });
    await tx.audit({ action: 'courses.item.create', target: { type: 'course', id: courseId }, details: { itemId: String(row.id), contentId: row.content_id, required: row.required } });
    return row;
  });
}

/** Changes an item; returns it as it is afterwards. */
export function updateItem(req: RouteRequest, courseId: string, sectionId: string, itemId: string, input: ItemChanges): Promise<ItemRow> {
  return req.transaction(async (tx) => {
    await lockedSection(tx.db, courseId, sectionId);
    const before = await getItem(tx.db, courseId, itemId, sectionId);
    const target = input.sectionId ?? sectionId;
    if (target !== sectionId) {
      await getSection(tx.db, courseId, target).catch(() => { throw badRequest(`course ${courseId} has no section ${target}`, [{ path: 'body.sectionId', message: 'is not a section of this course' }]); });
    }
    const changes: Partial<ItemRow> & { updated_at: Date } = { section_id: Number(target), updated_at: req.now() };
    if (input.title !== undefined) changes.title = input.title.trim();
    if (input.required !== undefined) changes.required = input.required;
    await tx.db('courses_items').where({ id: itemId }).update(changes);
    const position = targetPosition(input, before.position);
    if (position !== undefined || target !== sectionId) {
      await renumber(tx.db, 'courses_items', { section_id: target }, { id: itemId, position });
      if (target !== sectionId) await renumber(tx.db, 'courses_items', { section_id: sectionId });
    }
    const fields = [
      ...(input.title !== undefined ? ['title'] : []), ...(input.required !== undefined ? ['required'] : []),
      ...(position !== undefined ? ['position'] : []), ...(input.sectionId !== undefined ? ['sectionId'] : []),
    ];
    await tx.audit({ action: 'courses.item.update', target: { type: 'course', id: courseId }, details: { itemId, fields, from: { sectionId, required: before.required, title: before.title } } });
    if (input.required !== undefined && input.required !== before.required) {
      await recount(tx, courseId, req.now(), { progress: true });
      tx.emit(courseChanged, { courseId, changedAt: req.now().toISOString() });
    } else await coursesChanged(tx);
    return getItem(tx.db, courseId, itemId);
  });
}

/** Removes an item; its progress records go with it, which may complete learners who did every other required item. */
export function deleteItem(req: RouteRequest, courseId: string, sectionId: string, itemId: string): Promise<void> {
  return req.transaction(async (tx) => {
    await lockedSection(tx.db, courseId, sectionId);
    const before = await getItem(tx.db, courseId, itemId, sectionId);
    await tx.db('courses_items').where({ id: itemId }).delete();
    await renumber(tx.db, 'courses_items', { section_id: sectionId });
    await tx.audit({ action: 'courses.item.delete', target: { type: 'course', id: courseId }, details: { itemId, contentId: before.content_id, title: before.title } });
    await recount(tx, courseId, req.now(), { progress: true });
    tx.emit(courseChanged, { courseId, changedAt: req.now().toISOString() });
  });
}
