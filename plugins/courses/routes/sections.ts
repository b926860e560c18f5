// Sections of a course, in order, each with its ordered items: read by whoever may view the course,
// arranged by whoever may update it. Deleting a section deletes its items, which may complete learners
// who had done every other required item.
import { defineRoute, reply, Type } from 'lectern';
import { coursePermissions } from '../permissions';
import { CourseParams, SectionParams, inCourse, Title, Position } from '../params';
import { byPosition } from '../cursors';
import { visibleCourse } from '../model/courses';
import { sectionsWithItems, type SectionRow } from '../model/sections';
import { addSection, deleteSection, updateSection } from '../actions/sections';
import { Section, SectionPage } from '../schemas';

export const sectionRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/courses/:id/sections', permission: coursePermissions.view, context: inCourse, params: CourseParams,
    query: Type.Object(byPosition.query), summary: 'The sections of a course in order, each with its ordered items',
    responses: { 200: SectionPage },
    async handler(req) {
      await visibleCourse(req, req.params.id);
      const { limit, cursor } = req.query;
      const q = req.db('courses_sections').where({ course_id: req.params.id }).orderBy([{ column: 'position' }, { column: 'id' }]).limit(limit + 1);
      if (cursor) q.whereRaw('(position, id) > (?::int, ?::bigint)', cursor);
      const page = byPosition.page(await q as SectionRow[], limit, (r) => r, (r) => [r.position, Number(r.id)]);
      return { items: await sectionsWithItems(req.db, page.items), nextCursor: page.nextCursor };
    },
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/sections', permission: coursePermissions.update, context: inCourse, params: CourseParams,
    body: Type.Object({ title: Title, position: Type.Optional(Position) }, { additionalProperties: false }), summary: 'Add a section',
    responses: { 201: Section },
    async handler(req) {
      const row = await addSection(req, req.params.id, req.body);
      return reply.created((await sectionsWithItems(req.db, [row]))[0]);
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/courses/:id/sections/:sectionId', permission: coursePermissions.update, context: inCourse, params: SectionParams,
    body: Type.Object({ title: Type.Optional(Title), position: Type.Optional(Position) }, { additionalProperties: false, minProperties: 1 }),
    summary: 'Rename or move a section', responses: { 200: Section },
    async handler(req) {
      const row = await updateSection(req, req.params.id, req.params.sectionId, req.body);
      return (await sectionsWithItems(req.db, [row]))[0];
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/courses/:id/sections/:sectionId', permission: coursePermissions.update, context: inCourse, params: SectionParams,
    summary: 'Delete a section and its items', responses: { 204: null },
    async handler(req) {
      await deleteSection(req, req.params.id, req.params.sectionId);
      return reply.noContent();
    },
  }),
];
