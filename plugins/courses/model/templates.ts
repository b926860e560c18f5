// Courses from templates (the SOP's standardized course creation): the new course gets copies of the
// template's sections and items, so later edits to either never reach the other.
import type { Knex } from 'lectern';

export async function copyStructure(db: Knex, templateId: number, courseId: number): Promise<void> {
  const sections: { id: number; title: string; position: number }[] = await db('courses_sections').where({ course_id: templateId }).orderBy('position').select('id', 'title', 'position');
  for (const s of sections) {
    const [copy] = await db('courses_sections').insert({ course_id: courseId, title: s.title, position: s.position }).returning('id');
    await db.raw(`insert into courses_items (course_id, section_id, content_id, title, required, position)
      select ?, ?, content_id, title, required, position from courses_items where section_id = ?`, [courseId, copy.id, s.id]);
  }
}
