// Sections and their items: rows, public shapes, and lookups that always stay within one course, so
// an item or section of another course is a 404.
import { notFound, type Knex } from 'lectern';
import { getCourse } from './courses';

export interface SectionRow { id: number; course_id: number; title: string; position: number }
export interface ItemRow { id: number; course_id: number; section_id: number; content_id: string; title: string; required: boolean; position: number }

export const toItem = (r: ItemRow) => ({
  id: String(r.id), courseId: String(r.course_id), sectionId: String(r.section_id),
  contentId: r.content_id, title: r.title, required: r.required, position: r.position,
});
export type Item = ReturnType<typeof toItem>;

export const toSection = (r: SectionRow, items: ItemRow[]) => ({
  id: String(r.id), courseId: String(r.course_id), title: r.title, position: r.position, items: items.map(toItem),
});

export async function getSection(db: Knex, courseId: string, sectionId: string): Promise<SectionRow> {
  const row: SectionRow | undefined = await db('courses_sections').where({ id: sectionId, course_id: courseId }).first();
  if (!row) throw notFound(`course ${courseId} has no section ${sectionId}`);
  return row;
}

export async function getItem(db: Knex, courseId: string, itemId: string, sectionId?: string): Promise<ItemRow> {
  const q = db('courses_items').where({ id: itemId, course_id: courseId });
  if (sectionId) q.where({ section_id: sectionId });
  const row: ItemRow | undefined = await q.first();
  if (!row) throw notFound(`course ${courseId} has no item ${itemId}${sectionId ? ` in section ${sectionId}` : ''}`);
  return row;
}

/**
 * The section, with its course locked for the rest of the transaction: changes to a course's structure
 * happen one at a time, and progress being recorded meanwhile waits (see recordItem).
 */
export async function lockedSection(db: Knex, courseId: string, sectionId: string): Promise<SectionRow> {
  await getCourse(db, courseId, { forUpdate: true });
  return getSection(db, courseId, sectionId);
}

/** Sections with their ordered items, two queries whatever their number. */
export async function sectionsWithItems(db: Knex, sections: SectionRow[]) {
  const items: ItemRow[] = sections.length
    ? await db('courses_items').whereIn('section_id', sections.map((s) => s.id)).orderBy([{ column: 'position' }, { column: 'id' }])
    : [];
  return sections.map((s) => toSection(s, items.filter((i) => String(i.section_id) === String(s.id))));
}
