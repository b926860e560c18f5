// Items place published content in a section of a course. Whether an item is required decides course
// completion, so adding, removing or re-flagging one recounts the course (and its learners' progress).
import { badRequest, defineRoute, reply, Type } from 'lectern';
import { coursePermissions } from '../permissions';
import { IdString, ItemParams, SectionParams, inCourse, Title, Position } from '../params';
import { getItem, getSection, lockedSection, toItem, type ItemRow } from '../model/sections';
import { renumber } from '../model/positions';
import { CONTENT_ID_PATTERN, publishedContent } from '../model/content';
import { recount } from '../model/progress';


export const itemRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/sections/:sectionId/items', permission: coursePermissions.update, context: inCourse, params: SectionParams,
    body: Type.Object({
      contentId: Type.String({ pattern: CONTENT_ID_PATTERN, maxLength: 241 }),
      required: Type.Optional(Type.Boolean()), title: Type.Optional(Title), position: Type.Optional(Position),
    }, { additionalProperties: false }),
    summary: 'Place published content in a section (required unless said otherwise)',
    async handler(req) {
      const { id, sectionId } = req.params;
      const content = await publishedContent(req, req.body.contentId, 'body.contentId');
      const created = await req.transaction(async (tx) => {
        await lockedSection(tx.db, id, sectionId);
        const [row]: ItemRow[] = await tx.db('courses_items').insert({
          course_id: id, section_id: sectionId, content_id: req.body.contentId, title: req.body.title?.trim() ?? content.title,
          required: req.body.required ?? true, position: 0,
        }).returning('*');
        row.position = await renumber(tx.db, 'courses_items', { section_id: sectionId }, { id: row.id, position: req.body.position });
        if (row.required) await recount(tx, id, req.now(), { progress: false });
        await tx.audit({ action: 'courses.item.create', target: { type: 'course', id }, details: { itemId: String(row.id), contentId: row.content_id, required: row.required } });
        return toItem(row);
      });
      return reply.created(created);
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/courses/:id/sections/:sectionId/items/:itemId', permission: coursePermissions.update, context: inCourse, params: ItemParams,
    body: Type.Object({
      title: Type.Optional(Title), required: Type.Optional(Type.Boolean()), position: Type.Optional(Position), sectionId: Type.Optional(IdString),
    }, { additionalProperties: false, minProperties: 1 }),
    summary: 'Retitle an item, make it required or optional, or move it (also to another section of the course)',
    async handler(req) {
      const { id, sectionId, itemId } = req.params;
      const b = req.body;
      return req.transaction(async (tx) => {
        await lockedSection(tx.db, id, sectionId);
        const before = await getItem(tx.db, id, itemId, sectionId);
        const target = b.sectionId ?? sectionId;
        if (target !== sectionId) {
          await getSection(tx.db, id, target).catch(() => { throw badRequest(`course ${id} has no section ${target}`, [{ path: 'body.sectionId', message: 'is not a section of this course' }]); });
        }
        const changes: Partial<ItemRow> & { updated_at: Date } = { section_id: Number(target), updated_at: req.now() };
        if (b.title !== undefined) changes.title = b.title.trim();
        if (b.required !== undefined) changes.required = b.required;
        await tx.db('courses_items').where({ id: itemId }).update(changes);
        if (b.position !== undefined || target !== sectionId) {
          await renumber(tx.db, 'courses_items', { section_id: target }, { id: itemId, position: b.position });
          if (target !== sectionId) await renumber(tx.db, 'courses_items', { section_id: sectionId });
        }
        await tx.audit({ action: 'courses.item.update', target: { type: 'course', id }, details: { itemId, fields: Object.keys(b), from: { sectionId, required: before.required, title: before.title } } });
        if (b.required !== undefined && b.required !== before.required) await recount(tx, id, req.now(), { progress: true });
        return toItem(await getItem(tx.db, id, itemId));
      });
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/courses/:id/sections/:sectionId/items/:itemId', permission: coursePermissions.update, context: inCourse, params: ItemParams,
    summary: 'Remove an item (its progress records go with it)',
    async handler(req) {
      const { id, sectionId, itemId } = req.params;
      await req.transaction(async (tx) => {
        await lockedSection(tx.db, id, sectionId);
        const before = await getItem(tx.db, id, itemId, sectionId);
        await tx.db('courses_items').where({ id: itemId }).delete();
        await renumber(tx.db, 'courses_items', { section_id: sectionId });
        await tx.audit({ action: 'courses.item.delete', target: { type: 'course', id }, details: { itemId, contentId: before.content_id, title: before.title } });
        await recount(tx, id, req.now(), { progress: true });
      });
      return reply.noContent();
    },
  }),
];
