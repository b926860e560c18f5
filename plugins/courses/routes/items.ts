// Items place published content in a section of a course. Whether an item is required decides course
// completion, so adding, removing or re-flagging one recounts the course (and its learners' progress).
import { defineRoute, reply, Type } from 'lectern';
import { coursePermissions } from '../permissions';
import { IdString, ItemParams, SectionParams, inCourse, Title, Position } from '../params';
import { toItem } from '../model/sections';
import { CONTENT_ID_PATTERN } from '../model/content';
import { addItem, deleteItem, updateItem } from '../actions/items';
import { Item } from '../schemas';

export const itemRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/courses/:id/sections/:sectionId/items', permission: coursePermissions.update, context: inCourse, params: SectionParams,
    body: Type.Object({
      contentId: Type.String({ pattern: CONTENT_ID_PATTERN, maxLength: 241 }),
      required: Type.Optional(Type.Boolean()), title: Type.Optional(Title), position: Type.Optional(Position),
    }, { additionalProperties: false }),
    summary: 'Place published content in a section (required unless said otherwise)', responses: { 201: Item },
    async handler(req) {
      return reply.created(toItem(await addItem(req, req.params.id, req.params.sectionId, req.body)));
    },
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/courses/:id/sections/:sectionId/items/:itemId', permission: coursePermissions.update, context: inCourse, params: ItemParams,
    body: Type.Object({
      title: Type.Optional(Title), required: Type.Optional(Type.Boolean()), position: Type.Optional(Position), sectionId: Type.Optional(IdString),
    }, { additionalProperties: false, minProperties: 1 }),
    summary: 'Retitle an item, make it required or optional, or move it (also to another section of the course)',
    responses: { 200: Item },
    async handler(req) {
      const { id, sectionId, itemId } = req.params;
      return toItem(await updateItem(req, id, sectionId, itemId, req.body));
    },
  }),

  defineRoute({
    method: 'DELETE', path: '/api/v1/courses/:id/sections/:sectionId/items/:itemId', permission: coursePermissions.update, context: inCourse, params: ItemParams,
    summary: 'Remove an item (its progress records go with it)', responses: { 204: null },
    async handler(req) {
      const { id, sectionId, itemId } = req.params;
      await deleteItem(req, id, sectionId, itemId);
      return reply.noContent();
    },
  }),
];
