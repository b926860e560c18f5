// One item of the content library (/admin/content/:id, content:view): its status and versions, a preview
// of the latest version, its file, and the forms each shown to those allowed — edit (a new draft version,
// updateContent), upload a file (multipart, uploadFile) and the review buttons (review.ts). Every form
// runs the same action as the JSON API; a mistake shows this page again with the message beside the field.
import { badRequest, defineRoute, Done, doneNotice, HttpError, reply, submitForm, Type, type FormState, type SignedInRequest } from 'lectern';
import { contentPermissions } from '../permissions';
import { updateContent } from '../actions/content';
import { loadContent } from '../model/items';
import { uploadFile } from '../model/files';
import { contentSettings } from '../settings';
import { ContentParams } from '../schemas';
import { allObjectives, ContentForm, contentFields, objectiveOptions } from './fields';
import { labelled } from './labels';

export const ITEM_VIEW = 'content/admin/item';
const NOTICES = {
  created: 'The content is created as a draft. Submit it for review when it is ready.',
  saved: 'Saved. Learners keep seeing the published version until an approver approves a new one.',
  uploaded: 'The file is uploaded as a new draft version.',
  submitted: 'Submitted: the approvers are told that it waits for their review.',
  approved: 'Approved: this version is what learners see from now on.',
  rejected: 'Sent back to draft with your reason.',
  confirmed: 'Confirmed as still current: its next review is due after another interval.',
  restored: 'The version is restored as a new draft.',
};

const COMPLETE_WHEN = [{ label: null, options: [{ value: 'opened', label: 'Opened' }, { value: 'done', label: 'The learner marks it done' }] }];

/** Everything the item page shows the caller; `forms` are the states of forms sent back with a problem. */
export async function itemPage(req: SignedInRequest, id: string, forms: Record<string, FormState> = {}): Promise<Record<string, unknown>> {
  const content = await loadContent(req.db, id);
  const [canUpdate, canApprove, objectives, { maxUploadBytes }] = await Promise.all([
    req.can(contentPermissions.update), req.can(contentPermissions.approve), allObjectives(req.db), req.settings(contentSettings),
  ]);
  const { latest } = content;
  const takesFile = content.type === 'file' || content.type === 'video';
  const editable = canUpdate && content.status !== 'in_review';
  const canReview = canApprove && content.status === 'in_review';
  const shown: Record<string, boolean> = {
    edit: editable, upload: editable && takesFile, submit: canUpdate && content.status === 'draft', approve: canReview, reject: canReview,
    confirm: canApprove && content.publishedVersion !== null && content.reviewDue,
  };
  const edit = forms.edit ?? {
    values: {
      title: latest.title, body: latest.body ?? '', url: latest.url ?? '', reviewEveryDays: content.reviewEveryDays ?? '',
      completeWhen: content.completeWhen, objectiveIds: content.objectiveIds,
    },
  };
  return {
    title: content.title, content: labelled(content),
    takesBody: content.type === 'page', takesUrl: content.type === 'link' || content.type === 'video', takesFile,
    linkedObjectives: objectives.filter((o) => content.objectiveIds.includes(o.id)),
    editable, canSubmit: shown.submit, canReview, canConfirm: shown.confirm,
    // A form sent from a page that was out of date (the item changed state meanwhile) is no longer shown: its problem goes on top.
    staleProblem: Object.entries(forms).find(([name]) => !shown[name])?.[1],
    objectives: editable ? objectiveOptions(objectives, edit.values?.objectiveIds) : [], completeWhenGroups: COMPLETE_WHEN, maxUploadBytes,
    forms: { ...forms, edit },
  };
}

/** A form of the item page: on success back to the page with the `done` notice. */
export function itemForm(req: SignedInRequest<{ id: string }>, form: string, values: Record<string, unknown>, done: string, write: () => Promise<unknown>) {
  const { id } = req.params;
  return submitForm(req, { view: ITEM_VIEW, form, values, load: (sent) => itemPage(req, id, sent) }, async () => {
    await write();
    return reply.redirect(`/admin/content/${id}?done=${done}`);
  });
}

/** An upload too large or of a refused type is a mistake in the form: shown beside its file input. */
async function upload(req: SignedInRequest, id: string) {
  try {
    return await uploadFile(req, id);
  } catch (err) {
    if (err instanceof HttpError && (err.status === 413 || err.status === 415)) {
      throw badRequest(err.detail, [{ path: 'body.file', message: err.status === 413 ? 'is too large' : 'is not of an accepted type' }]);
    }
    throw err;
  }
}

export const itemPageRoutes = [
  defineRoute({
    method: 'GET', path: '/admin/content/:id', permission: contentPermissions.view, html: true, params: ContentParams,
    query: Type.Object({ done: Done }), summary: 'One item of the content library (page)',
    async handler(req) {
      return req.page(ITEM_VIEW, { ...(await itemPage(req, req.params.id)), notice: doneNotice(NOTICES, req.query.done) });
    },
  }),

  defineRoute({
    method: 'POST', path: '/admin/content/:id', permission: contentPermissions.update, html: true, params: ContentParams,
    body: Type.Object({
      ...ContentForm, note: Type.Optional(Type.String({ maxLength: 2_000 })),
      completeWhen: Type.Optional(Type.Union([Type.Literal('opened'), Type.Literal('done')])),
    }),
    summary: 'Edit content: a new draft version (form)',
    handler: (req) => itemForm(req, 'edit', req.body, 'saved', () => updateContent(req, req.params.id, {
      ...contentFields(req.body), note: req.body.note?.trim() || undefined, completeWhen: req.body.completeWhen,
    })),
  }),

  defineRoute({
    method: 'POST', path: '/admin/content/:id/file', permission: contentPermissions.update, html: true, params: ContentParams,
    rawBody: { types: ['multipart/form-data'] }, summary: 'Upload the file of file or video content: a new draft version (multipart form)',
    handler: (req) => itemForm(req, 'upload', {}, 'uploaded', () => upload(req, req.params.id)),
  }),
];
