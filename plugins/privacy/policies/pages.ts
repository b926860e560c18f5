// The policy pages: /policies/accept shows each policy the person must still accept with one "I accept"
// form (then back to where they were going, a page of this site only); /policies/:kind shows the current
// version of a policy to anyone; /admin/policies (privacy:manage) lists the policies and publishes a new
// version, with a mistake shown beside its field.
import {
  badRequest, defineAdminPage, defineRoute, Done, doneNotice, notFound, reply, submitForm, Type, type FormState, type SignedInRequest,
} from 'lectern';
import { privacyPermissions } from '../permissions';
import { acceptPolicy, publishPolicy } from './actions';
import { PolicyCacheRef } from './cache';
import { ACCEPT_PATH, safeNext } from './guard';
import { renderPolicy } from './markdown';
import { POLICY_KINDS, readVersions, type PolicyKind, type PolicyVersion } from './model';
import { BODY_MAX, PolicyKindSchema, TITLE_MAX } from './schemas';

export const ADMIN_PATH = '/admin/policies';
const KIND_LABELS: Record<PolicyKind, string> = { privacy: 'Privacy notice', terms: 'Terms of use' };
const shown = (v: PolicyVersion) => ({ ...v, publishedAt: v.publishedAt.toISOString(), html: renderPolicy(v.body), kindLabel: KIND_LABELS[v.kind] });

const Next = Type.Optional(Type.String({ maxLength: 2000 }));
const AcceptForm = Type.Object({ versionIds: Type.String({ pattern: '^[0-9]{1,18}(,[0-9]{1,18}){0,9}$' }), next: Next });
const PublishForm = Type.Object({ kind: Type.String({ maxLength: 20 }), title: Type.String({ maxLength: TITLE_MAX }), body: Type.String({ maxLength: BODY_MAX }) });

async function acceptPage(req: SignedInRequest, next: string | undefined): Promise<Record<string, unknown>> {
  const pending = await req.resolve(PolicyCacheRef).pending(req.principal.id);
  return { title: 'Policies to accept', pending: pending.map(shown), versionIds: pending.map((v) => v.id).join(','), next: safeNext(next) };
}

async function adminPage(req: SignedInRequest, forms: Record<string, FormState> = {}): Promise<Record<string, unknown>> {
  const policies = await Promise.all(POLICY_KINDS.map(async (kind) => {
    const versions = await readVersions(req.db, kind, 20);
    return { kind, label: KIND_LABELS[kind], current: versions[0] ? shown(versions[0]) : null, earlier: versions.slice(1).map(shown) };
  }));
  return {
    title: 'Policies', policies, kindGroups: [{ label: '', options: POLICY_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] })) }],
    forms: { publish: forms.publish ?? { values: {} } }, titleMax: TITLE_MAX, bodyMax: BODY_MAX,
  };
}

export const policiesAdminPage = defineAdminPage({
  path: ADMIN_PATH, title: 'Policies', permission: privacyPermissions.manage, view: 'privacy/admin/policies',
  query: Type.Object({ done: Done }),
  load: async (req) => ({ ...(await adminPage(req)), notice: doneNotice({ published: 'The new version is published: everyone must accept it.' }, req.query.done) }),
});

export const policyPageRoutes = [
  defineRoute({
    method: 'GET', path: ACCEPT_PATH, authenticated: true, html: true, summary: 'The policies to accept',
    query: Type.Object({ next: Next }),
    async handler(req) {
      const data = await acceptPage(req, req.query.next);
      if (!(data.pending as unknown[]).length) return reply.redirect(data.next as string);
      return req.page('privacy/policies/accept', data);
    },
  }),
  defineRoute({
    method: 'POST', path: ACCEPT_PATH, authenticated: true, html: true, body: AcceptForm, summary: 'Accept the policies shown (form)',
    async handler(req) {
      const page = { view: 'privacy/policies/accept', form: 'accept', values: {}, load: () => acceptPage(req, req.body.next) };
      return submitForm(req, page, async () => {
        for (const id of req.body.versionIds.split(',')) await acceptPolicy(req, id);
        return reply.redirect(`${ACCEPT_PATH}?next=${encodeURIComponent(safeNext(req.body.next))}`);
      });
    },
  }),
  defineRoute({
    method: 'GET', path: '/policies/:kind', public: true, html: true, summary: 'The current version of a policy',
    params: Type.Object({ kind: PolicyKindSchema }),
    async handler(req) {
      const current = (await req.resolve(PolicyCacheRef).versions()).find((v) => v.kind === req.params.kind);
      if (!current) throw notFound('This policy is not published.');
      return req.page('privacy/policies/read', { title: current.title, policy: shown(current) });
    },
  }),
  defineRoute({
    method: 'POST', path: ADMIN_PATH, permission: privacyPermissions.manage, html: true, body: PublishForm, summary: 'Publish a new version of a policy (form)',
    async handler(req) {
      const page = { view: 'privacy/admin/policies', form: 'publish', values: req.body, load: (sent: Record<string, FormState>) => adminPage(req, sent) };
      return submitForm(req, page, async () => {
        const kind = POLICY_KINDS.find((k) => k === req.body.kind);
        const errors = [
          ...(kind ? [] : [{ path: 'body.kind', message: 'must be one of: privacy, terms' }]),
          ...(req.body.title.trim() ? [] : [{ path: 'body.title', message: 'is required' }]),
          ...(req.body.body.trim() ? [] : [{ path: 'body.body', message: 'is required' }]),
        ];
        if (errors.length || !kind) throw badRequest('Correct the marked fields.', errors);
        await publishPolicy(req, { kind, title: req.body.title.trim(), body: req.body.body });
        return reply.redirect(`${ADMIN_PATH}?done=published`);
      });
    },
  }),
];
