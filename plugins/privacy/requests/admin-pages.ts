// The privacy manager's pages: /admin/privacy lists requests (filtered by status and type, a page at a
// time) with a form to ask for a person's export or erasure by their email; /admin/privacy/requests/:id
// shows one with its approve and reject forms (approving an erasure asks for a confirmation). The forms
// run the same actions as the API.
import {
  badRequest, defineAdminPage, defineRoute, Done, doneNotice, filled, pagerLinks, reply, submitForm, Type,
  type FormState, type SignedInRequest,
} from 'lectern';
import { AuthDirectory } from 'lectern/auth';
import { privacyPermissions } from '../permissions';
import { createRequest, decideRequest, visibleRequest } from './actions';
import { listRequests, newestFirst, type RequestFilters } from './list';
import { shown } from './labels';
import { IdString, REQUEST_STATUSES, REQUEST_TYPES, RequestStatusSchema, RequestTypeSchema, toRequest } from './model';

export const ADMIN_PATH = '/admin/privacy';
const LIST_VIEW = 'privacy/admin/requests';
const ONE_VIEW = 'privacy/admin/request';
const PAGE_SIZE = 50;
const NOTICES = { created: 'The request is recorded.', approved: 'The request is approved; its job is queued.', rejected: 'The request is rejected.' };

const Filters = Type.Object({ status: Type.Optional(RequestStatusSchema), type: Type.Optional(RequestTypeSchema) });
const choices = (values: readonly string[], prefix: string, selected?: string) => values.map((v) => ({ value: v, key: `${prefix}.${v}`, selected: v === selected }));

async function listPage(req: SignedInRequest, f: RequestFilters, cursor: [number] | undefined, forms: Record<string, FormState> = {}) {
  const page = await listRequests(req, f, PAGE_SIZE, cursor);
  const people = await req.resolve(AuthDirectory).usersById([...new Set(page.items.map((r) => r.userId))]);
  return {
    title: 'Privacy requests',
    requests: page.items.map((r) => ({ ...shown(r), person: people.get(r.userId) ?? null })),
    statusChoices: choices(REQUEST_STATUSES, 'privacy.requests.status', f.status),
    typeChoices: choices(REQUEST_TYPES, 'privacy.requests.type', f.type),
    pager: pagerLinks(ADMIN_PATH, { status: f.status, type: f.type }, page.nextCursor, cursor !== undefined),
    forms: { create: forms.create ?? { values: {} } },
  };
}

async function onePage(req: SignedInRequest, id: string, forms: Record<string, FormState> = {}) {
  const r = toRequest(await visibleRequest(req, id));
  const person = await req.resolve(AuthDirectory).user(r.userId);
  return {
    title: 'Privacy request', request: shown(r), person, isErase: r.type === 'erase',
    forms: { approve: forms.approve ?? { values: {} }, reject: forms.reject ?? { values: {} } },
  };
}

const NewRequestForm = Type.Object({ email: Type.String({ maxLength: 320 }), type: Type.String({ maxLength: 10 }) });
const Params = Type.Object({ id: IdString });

export const requestsAdminPage = defineAdminPage({
  path: ADMIN_PATH, title: 'Privacy requests', permission: privacyPermissions.manage, view: LIST_VIEW,
  query: Type.Object({ ...Filters.properties, cursor: newestFirst.cursor, done: Done }),
  load: async (req) => ({ ...(await listPage(req, req.query, req.query.cursor)), notice: doneNotice(NOTICES, req.query.done) }),
});

export const adminPageRoutes = [
  defineRoute({
    method: 'POST', path: ADMIN_PATH, permission: privacyPermissions.manage, html: true, body: NewRequestForm, summary: 'Ask for a person\'s export or erasure (form)',
    handler: (req) => submitForm(req, { view: LIST_VIEW, form: 'create', values: req.body, load: (sent) => listPage(req, {}, undefined, sent) }, async () => {
      const email = filled(req.body.email, 'email').toLowerCase();
      const type = req.body.type;
      if (type !== 'export' && type !== 'erase') throw badRequest('Choose what to do.', [{ path: 'body.type', message: 'must be chosen' }]);
      const user = (await req.resolve(AuthDirectory).usersByEmail([email])).get(email);
      if (!user) throw badRequest('No account has this email address.', [{ path: 'body.email', message: 'has no account' }]);
      const row = await createRequest(req, user.id, type);
      return reply.redirect(`${ADMIN_PATH}/requests/${row.id}?done=created`);
    }),
  }),
  defineRoute({
    method: 'GET', path: `${ADMIN_PATH}/requests/:id`, permission: privacyPermissions.manage, html: true, params: Params,
    query: Type.Object({ done: Done }), summary: 'A privacy request (page)',
    handler: async (req) => req.page(ONE_VIEW, { ...(await onePage(req, req.params.id)), notice: doneNotice(NOTICES, req.query.done) }),
  }),
  defineRoute({
    method: 'POST', path: `${ADMIN_PATH}/requests/:id/approve`, permission: privacyPermissions.manage, html: true, params: Params,
    body: Type.Object({ confirm: Type.Optional(Type.String({ maxLength: 10 })) }), summary: 'Approve a privacy request (form)',
    handler: (req) => submitForm(req, { view: ONE_VIEW, form: 'approve', values: req.body, load: (sent) => onePage(req, req.params.id, sent) }, async () => {
      const row = await visibleRequest(req, req.params.id);
      if (row.type === 'erase' && req.body.confirm !== 'yes') {
        throw badRequest('Tick the box to confirm the erasure.', [{ path: 'body.confirm', message: 'must be ticked to erase' }]);
      }
      await decideRequest(req, req.params.id, 'approve');
      return reply.redirect(`${ADMIN_PATH}/requests/${req.params.id}?done=approved`);
    }),
  }),
  defineRoute({
    method: 'POST', path: `${ADMIN_PATH}/requests/:id/reject`, permission: privacyPermissions.manage, html: true, params: Params,
    body: Type.Object({ reason: Type.String({ maxLength: 2000, pattern: '^[^\\u0000]*$' }) }), summary: 'Reject a privacy request (form)',
    handler: (req) => submitForm(req, { view: ONE_VIEW, form: 'reject', values: req.body, load: (sent) => onePage(req, req.params.id, sent) }, async () => {
      await decideRequest(req, req.params.id, 'reject', filled(req.body.reason, 'reason'));
      return reply.redirect(`${ADMIN_PATH}/requests/${req.params.id}?done=rejected`);
    }),
  }),
];
