// The content library's JSON API (API.md "Content"): list with filters, create, read, edit as a new
// draft version, upload the file of file and video content, and read any version's file.
import { conflict, defineRoute, reply, Type, type SignedInRequest } from 'lectern';
import { byTitle } from '../cursors';
import { contentPermissions } from '../permissions';
import { createContent, updateContent } from '../actions/content';
import { itemRow, listContent, loadContent, versionRow } from '../model/items';
import { serveFile, uploadFile } from '../model/files';
import { Content, ContentParams, ContentStatusSchema, ContentSummaryPage, ContentTypeSchema, CreateContent, IdString, UpdateContent } from '../schemas';

const FileAnswer = { 200: { media: '*/*' }, 206: { media: '*/*' } } as const;

/** Any version's file, for authors and approvers. */
export async function versionFile(req: SignedInRequest, id: string, n?: number) {
  const item = await itemRow(req.db, id);
  const v = await versionRow(req.db, id, n ?? item.latest_version);
  if (!v.file_key) throw conflict(`version ${v.number} of content ${id} has no file`);
  return (await serveFile(req, v)).reply;
}

export const contentRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/content', permission: contentPermissions.view,
    query: Type.Object({
      q: Type.Optional(Type.String({ maxLength: 200 })), type: Type.Optional(ContentTypeSchema), status: Type.Optional(ContentStatusSchema),
      reviewDue: Type.Optional(Type.Boolean()), objectiveId: Type.Optional(IdString), ...byTitle.query,
    }),
    summary: 'The content library by title, filtered by text, type, status, review due or objective', responses: { 200: ContentSummaryPage },
    handler: (req) => listContent(req.db, req.query),
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/content', permission: contentPermissions.create, body: CreateContent,
    summary: 'Create content (version 1, a draft)', responses: { 201: Content },
    handler: async (req) => reply.created(await createContent(req, req.body)),
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/content/:id', permission: contentPermissions.view, params: ContentParams,
    summary: 'One piece of content with its latest and its published version', responses: { 200: Content },
    handler: (req) => loadContent(req.db, req.params.id),
  }),

  defineRoute({
    method: 'PATCH', path: '/api/v1/content/:id', permission: contentPermissions.update, params: ContentParams, body: UpdateContent,
    summary: 'Edit content: a change to its title, body or URL is a new draft version; learners keep seeing the published one',
    responses: { 200: Content }, errors: [409],
    handler: (req) => updateContent(req, req.params.id, req.body),
  }),

  defineRoute({
    method: 'PUT', path: '/api/v1/content/:id/file', permission: contentPermissions.update, params: ContentParams,
    rawBody: { types: ['multipart/form-data', '*/*'] },
    summary: 'Upload the file of file or video content (raw body with its Content-Type, or multipart with a `file` part): a new draft version',
    responses: { 200: Content }, errors: [409],
    handler: (req) => uploadFile(req, req.params.id),
  }),

  defineRoute({
    method: 'GET', path: '/api/v1/content/:id/file', permission: contentPermissions.view, params: ContentParams,
    query: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) }),
    summary: "A version's file (the latest by default), whole or by Range", responses: FileAnswer, errors: [409, 416],
    handler: (req) => versionFile(req, req.params.id, req.query.version),
  }),
];
