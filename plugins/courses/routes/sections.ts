// Sections of a course, in order, each with its ordered items: read by whoever may view the course,
// arranged by whoever may update it. Deleting a section deletes its items, which may complete learners
// who had done every other required item.
import { defineRoute, pageQuery, reply, Type } from 'lectern';
import { coursePermissions } from '../permissions';
import { CourseParams, SectionParams, inCourse, Title, Position } from '../params';
import { decodeCursor, encodeCursor } from '../cursor';
import { getCourse, visibleCourse } from '../model/courses';
import { getSection, lockedSection, sectionsWithItems, type SectionRow } from '../model/sections';
import { renumber } from '../model/positions';
import { recount } from '../model/progress';


export const sectionRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/courses/:id/sections', permission: coursePermissions.view, context: inCourse, params: CourseParams,
    query: Type.Object(pageQuery), summary: 'The sections of a course in order, each with its ordered items',
    async handler(req) {
      await visibleCourse(req, req.params.id);
      const { limit, cursor } = req.query;
      const q = req.db('courses_sections').where({ course_id: req.params.id }).orderBy([{ column: 'position' }, { column: 'id' }]).limit(limit + 1);
      if (cursor) q.whereRaw('(position, id) > (?::int, ?::bigint)', decodeCursor(cursor, 2));
      const rows: SectionRow[] = await q;
      const shown = rows.slice(0, limit);
      const last = shown[shown.length - 1];
      return { items: await sectionsWithItems(req.db, shown), nextCursor: rows.length > limit ? encodeCursor([last.position, last.id]) : null };
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/sections', permission: coursePermissions.update, context: inCourse, params: CourseParams,
    body: Type.Object({ title: Title, position: Type.Optional(Position) }, { additionalProperties: false }), summary: 'Add a section',
    async handler(req) {
      const { id } = req.params;
      const created = await req.transaction(async (tx) => {
        await getCourse(tx.db, id, { forUpdate: true });
        const [row]: SectionRow[] = await tx.db('courses_sections').insert({ course_id: id, title: req.body.title.trim(), position: 0 }).returning('*');
        row.position = await renumber(tx.db, 'courses_sections', { course_id: id }, { id: row.id, position: req.body.position });
        await tx.audit({ action: 'courses.section.create', target: { type: 'course', id }, details: { sectionId: String(row.id), title: row.title } });
        return (await sectionsWithItems(tx.db, [row]))[0];
      });
      return reply.created(created);
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/courses/:id/sections/:sectionId', permission: coursePermissions.update, context: inCourse, params: SectionParams,
    body: Type.Object({ title: Type.Optional(Title), position: Type.Optional(Position) }, { additionalProperties: false, minProperties: 1 }),
    summary: 'Rename or move a section',
    async handler(req) {
      const { id, sectionId } = req.params;
      return req.transaction(async (tx) => {
        const before = await lockedSection(tx.db, id, sectionId);
        if (req.body.title !== undefined) await tx.db('courses_sections').where({ id: sectionId }).update({ title: req.body.title.trim(), updated_at: req.now() });
        if (req.body.position !== undefined) await renumber(tx.db, 'courses_sections', { course_id: id }, { id: sectionId, position: req.body.position });
        await tx.audit({ action: 'courses.section.update', target: { type: 'course', id }, details: { sectionId, fields: Object.keys(req.body), from: { title: before.title, position: before.position } } });
        return (await sectionsWithItems(tx.db, [await getSection(tx.db, id, sectionId)]))[0];
      });
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/courses/:id/sections/:sectionId', permission: coursePermissions.update, context: inCourse, params: SectionParams,
    summary: 'Delete a section and its items',
    async handler(req) {
      const { id, sectionId } = req.params;
      await req.transaction(async (tx) => {
        const before = await lockedSection(tx.db, id, sectionId);
        await tx.db('courses_sections').where({ id: sectionId }).delete();
        await renumber(tx.db, 'courses_sections', { course_id: id });
        await tx.audit({ action: 'courses.section.delete', target: { type: 'course', id }, details: { sectionId, title: before.title } });
        await recount(tx, id, req.now(), { progress: true });
      });
      return reply.noContent();
    },
  }),
];
